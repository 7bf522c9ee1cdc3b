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
});
