/**
 * A uid with no passwd entry (OpenShift runs containers under a random one) and no HOME, in a project so deep that its
 * socket goes to the temp dir: the folder is named by the uid from the kernel, not os.userInfo() (which threw
 * "uv_os_get_passwd returned ENOENT" on every command). Needs root (setpriv to that uid): checked, failed loudly.
 */
import { chmodSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LandRun, ROOT, makeProject, removeProjects } from '../helpers/land.js';

const UID = 1000650000;
const AS_UNKNOWN_UID = ['setpriv', `--reuid=${UID}`, `--regid=${UID}`, '--clear-groups', 'env', '-u', 'HOME', '-u', 'USER'];

/**
 * The checkout may sit in a folder only root can enter (CI clones into a `mktemp -d`, 0700): that uid must reach
 * land's files, as a container's random uid reaches its image's. Each such folder above the checkout is made
 * searchable by others (o+x: not listable, not writable) for this file, and put back after. (Node's existsSync is an
 * access(2), which ignores a non-root process's capabilities: CAP_DAC_READ_SEARCH would not do.)
 */
const searchable: Array<[string, number]> = [];
beforeAll(() => {
  for (let dir = dirname(ROOT); dir !== dirname(dir); dir = dirname(dir)) {
    const mode = statSync(dir).mode & 0o7777;
    if ((mode & 0o001) === 0) {
      searchable.push([dir, mode]);
      chmodSync(dir, mode | 0o001);
    }
  }
});
afterAll(() => {
  for (const [dir, mode] of searchable.splice(0)) chmodSync(dir, mode);
});

beforeAll(() => {
  if (process.getuid?.() !== 0) throw new Error('this test needs root (setpriv to a uid with no passwd entry): run it as root');
  expect(readFileSync('/etc/passwd', 'utf8')).not.toMatch(new RegExp(`^[^:]*:[^:]*:${UID}:`, 'm'));
});
afterEach(removeProjects);

async function asUnknownUid(args: string[], cwd: string) {
  const run = new LandRun(args, { cwd, launcher: AS_UNKNOWN_UID, env: { LAND_CODE_CACHE: '0' } });
  return { ...(await run.exited), output: run.output };
}

describe('a uid with no passwd entry, the socket in the temp dir', () => {
  it('land status and land down say no stack runs (exit 3), not a system error', async () => {
    const top = makeProject({ config: {} });
    // The project root (the config's folder) so deep that `.land/run/land.sock` does not fit in a socket address.
    const deep = join(top, 'd'.repeat(60), 'e'.repeat(60));
    mkdirSync(deep, { recursive: true });
    writeFileSync(join(deep, 'land.config.mjs'), `export default ${JSON.stringify({ tiers: { web: { command: ['sh', '-c', 'exec sleep 1000'] } } })};\n`, { mode: 0o644 });
    for (const dir of [top, join(top, 'd'.repeat(60)), deep]) chmodSync(dir, 0o755);
    for (const command of ['status', 'down']) {
      const { code, output } = await asUnknownUid([command], deep);
      expect(output).not.toMatch(/uv_os_get_passwd|system error/);
      expect({ code, output }).toMatchObject({ code: 3, output: expect.stringMatching(/no stack is running/) });
    }
  }, 60_000);

  it('land init from a PM2 ecosystem file whose app has a cwd (no `~` in it) writes the config', async () => {
    const dir = makeProject({ config: {} });
    rmSync(join(dir, 'land.config.mjs'));
    writeFileSync(join(dir, 'ecosystem.config.js'), `module.exports = { apps: [{ name: 'web', script: 'sleep', args: '1000', cwd: '${dir}' }] };\n`);
    chmodSync(dir, 0o777);
    const { code, output } = await asUnknownUid(['init'], dir);
    expect(output).not.toMatch(/uv_os_get_passwd|system error/);
    expect({ code, output }).toMatchObject({ code: 0 });
    expect(readFileSync(join(dir, 'land.config.ts'), 'utf8')).toMatch(/web/);
  }, 60_000);
});
