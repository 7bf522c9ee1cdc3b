/**
 * What maskLoadMessage masks of node's message around a config's own text (src/config/load-error.ts), read from a
 * real config file: the value of a secret-named key wherever it stands on its line, and only a value written bare.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { maskLoadMessage } from '../../src/config/load-error.js';

const dir = mkdtempSync(join(tmpdir(), 'land-load-error-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let count = 0;
/** node's `message` for a config whose source is `source`, as land says it. */
function said(source: string, message: string): string {
  const file = join(dir, `config-${++count}.mjs`);
  writeFileSync(file, source);
  return maskLoadMessage(message, [file]);
}

describe('maskLoadMessage', () => {
  it('masks a secret-named key\'s value that is not the first key on its line, in nested objects too', () => {
    const oneLine = "export default { tiers: { a: { command: ['true'], env: { DB_PASSWORD: hunter2pass } } } };\n";
    expect(said(oneLine, 'hunter2pass is not defined')).toBe('*** is not defined (the value of DB_PASSWORD on line 1: expected a quoted string there)');
    const nested = 'export default { tiers: { a: { env: { A: 1, B: { C: { API_TOKEN: tok3nvalue } } } } } };\n';
    expect(said(nested, 'tok3nvalue is not defined')).toBe('*** is not defined (the value of API_TOKEN on line 1: expected a quoted string there)');
    const second = "const x = { MODE: 'dev', SECRET_KEY: s3cretword };\n";
    expect(said(second, 's3cretword is not defined')).toBe('*** is not defined (the value of SECRET_KEY on line 1: expected a quoted string there)');
  });

  it('masks a token node quotes, with the shared token shape (a JWT\'s dots too)', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl';
    expect(said('export default {};\n', `ENOENT: no such file or directory, open '${jwt}'`)).toBe("ENOENT: no such file or directory, open '***'");
  });

  it('masks only a value written bare: a call\'s words (a missing file\'s path) stay, with no hint', () => {
    const source = "import { readFileSync } from 'node:fs';\nexport default { env: {\n  API_TOKEN: readFileSync('/tmp/x/tok', 'utf8'),\n} };\n";
    const enoent = "ENOENT: no such file or directory, open '/tmp/x/tok'";
    expect(said(source, enoent)).toBe(enoent);
    expect(said("export default { env: { API_TOKEN: getToken(tok3nword) } };\n", 'tok3nword is not defined')).toBe('tok3nword is not defined');
    expect(said('export default { env: { DB_PASSWORD: hunter2 pass } };\n', "Unexpected identifier 'pass'")).toBe("Unexpected identifier '***' (the value of DB_PASSWORD on line 1: expected a quoted string there)");
  });

  it('says a long name in "X is not defined" unless it has a token\'s prefix or the source writes it as a value', () => {
    const helper = "export default { tiers: { a: { command: ['true'], env: undefinedHelperForService2024() } } };\n";
    expect(said(helper, 'undefinedHelperForService2024 is not defined')).toBe('undefinedHelperForService2024 is not defined');
    expect(said("export default { env: { GH: ghp_abc } };\n", 'ghp_abc is not defined')).toBe('*** is not defined');
    // A generated token written bare under a key that does not say secret: masked, with no key to name.
    expect(said("export default { env: { UPSTREAM: a8Fk29dLq0ZpX7wBnM3v } };\n", 'a8Fk29dLq0ZpX7wBnM3v is not defined')).toBe('*** is not defined');
    // Elsewhere in a message the shape alone still masks.
    expect(said('export default {};\n', "Unexpected identifier 'a8Fk29dLq0ZpX7wBnM3v'")).toBe("Unexpected identifier '***'");
  });
});
