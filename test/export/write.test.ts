/** Writing an export into a folder: modes, and what an earlier export into the same folder left. */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EngineExport } from '../../src/export/model.js';
import { MANIFEST, writeExport } from '../../src/export/write.js';

const dir = mkdtempSync(join(tmpdir(), 'land-export-write-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const result = (names: string[], secret?: string): EngineExport => ({
  engine: 'systemd',
  files: names.map((name) => ({ name, content: `${name}\n`, secret: name === secret })),
  warnings: [],
  next: [],
});

describe('writing an export', () => {
  it('removes only the files its previous export wrote and no longer does; secret files end 0600, others 0644', () => {
    writeFileSync(join(dir, 'notes.txt'), 'mine\n');
    writeFileSync(join(dir, 'app-b.secrets.env'), 'old\n', { mode: 0o644 });
    writeExport(result(['app-a.service', 'app-b.service', 'app-b.secrets.env', 'app.target'], 'app-b.secrets.env'), dir);
    expect(statSync(join(dir, 'app-b.secrets.env')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'app-a.service')).mode & 0o777).toBe(0o644);
    expect(readFileSync(join(dir, 'app-b.secrets.env'), 'utf8')).toBe('app-b.secrets.env\n');

    writeExport(result(['app-a.service', 'app.target']), dir);
    expect(existsSync(join(dir, 'app-b.service'))).toBe(false);
    expect(existsSync(join(dir, 'app-b.secrets.env'))).toBe(false);
    expect(existsSync(join(dir, 'app-a.service'))).toBe(true);
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine\n');
    expect(JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8'))).toEqual({ engine: 'systemd', files: ['app-a.service', 'app.target'] });
  });
});
