/**
 * Well-known tokens under keys that do not say "secret" (`STRIPE_SK`, `GITHUB_PAT`, a JWT in `SESSION`) go to the
 * 0600 secrets files of every engine, as a `DB_PASSWORD` does; a build id or a trace id stays in the plain files.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeProject, removeProjects } from '../helpers/land.js';
import { allFiles, exportEach, fileMode } from './helpers.js';

const TOKENS: Record<string, string> = {
  STRIPE_SK: 'sk_live_51HxExportTokenValue0042',
  GITHUB_PAT: 'ghp_ExportTokenValue1234567890abcdefABCD',
  SESSION: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZXN0LXVzZXIifQ.c2lnbmF0dXJlLXRlc3Q',
  WEBHOOK: 'https://hooks.example.test/in?x=1 xoxb-1234567890-abcdefghij',
};
const PLAIN: Record<string, string> = { BUILD_ID: 'release-2026-12-build-42abc', REQUEST_ID: '4bf92f3577b34da6a3ce929d0e0e4736', MODE: 'sk-fast' };

const root = mkdtempSync(join(tmpdir(), 'land-export-token-values-'));

afterAll(() => {
  removeProjects();
  rmSync(root, { recursive: true, force: true });
});

describe('land export: well-known tokens are secrets whatever their key', () => {
  it('moves sk_live_, ghp_, xoxb- and a JWT to the 0600 files of each engine, never printed, and keeps plain values plain', async () => {
    const project = makeProject({ config: { app: 'tv', tiers: { api: { command: ['sleep', '30'], env: { ...TOKENS, ...PLAIN } } } } });
    const results = await exportEach(project, root);
    const tokens = [...Object.values(TOKENS).slice(0, 3), 'xoxb-1234567890-abcdefghij'];
    for (const [engine, result] of Object.entries(results)) {
      expect(result.code, `${engine}: ${result.stderr}`).toBe(0);
      for (const token of tokens) expect(result.stdout + result.stderr, engine).not.toContain(token);
      const files = allFiles(join(root, engine));
      const open = files.filter((file) => fileMode(join(root, engine, file.name)) & 0o044);
      for (const token of tokens) {
        expect(open.filter((file) => file.text.includes(token)).map((file) => file.name), `${engine}: ${token}`).toEqual([]);
        expect(files.some((file) => file.text.includes(token)), `${engine}: ${token} written somewhere`).toBe(true);
      }
      for (const value of Object.values(PLAIN)) expect(open.some((file) => file.text.includes(value)), `${engine}: ${value}`).toBe(true);
    }
  }, 120_000);
});
