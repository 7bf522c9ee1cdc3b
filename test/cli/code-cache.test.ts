/**
 * The bundle's V8 code cache (src/startup/code-cache.ts): written private on a first run, used as is on the next,
 * and never in the way: a stale or corrupt entry, a cache folder that cannot be written or that is not private, and
 * LAND_CODE_CACHE=0 all leave land's behaviour (output, exit code) as without a cache.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { child, land, LandRun, makeProject, removeProjects, ROOT } from '../helpers/land.js';
import { letOthersTraverse } from '../helpers/traverse.js';
import { SCRIPT_HEAD, SCRIPT_TAIL } from '../../src/startup/script-wrapper.js';

const caches: string[] = [];
afterAll(() => {
  removeProjects();
  for (const dir of caches.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const { buildId } = JSON.parse(readFileSync(join(ROOT, 'dist', 'cli', 'package.json'), 'utf8')) as { buildId: string };
const FOLDER = `${process.version}-${process.arch}-${buildId}`;
const project = makeProject({ config: { tiers: { web: { command: ['true'] } } } });

function cacheRoot(): string {
  const dir = mkdtempSync(join(tmpdir(), 'land-code-cache-'));
  caches.push(dir);
  return dir;
}

/** `land check` (the config and its chunks loaded, then exit) with the cache at `dir`: its output and exit code. */
async function check(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const run = land(['check'], project, env);
  const { code } = await run.exited;
  return { code, output: run.output };
}

const withoutCache = check({ LAND_CODE_CACHE: '0', LAND_CODE_CACHE_DIR: join(tmpdir(), 'land-code-cache-never') });

describe('the code cache', () => {
  it('is written on a first run, 0700 and 0600, and used unchanged on the next', async () => {
    const root = cacheRoot();
    const plain = await withoutCache;
    expect(plain.code).toBe(0);
    expect(await check({ LAND_CODE_CACHE_DIR: root })).toEqual(plain);

    const folder = join(root, FOLDER);
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    const files = readdirSync(folder);
    expect(files).toContain('main.js.v8');
    expect(files.some((name) => name.startsWith('chunks__'))).toBe(true);
    for (const name of files) expect(statSync(join(folder, name)).mode & 0o777).toBe(0o600);

    // Accepted by V8: nothing is written again (a rewrite renames a new file into place).
    const before = Object.fromEntries(files.map((name) => [name, statSync(join(folder, name)).ino]));
    expect(await check({ LAND_CODE_CACHE_DIR: root })).toEqual(plain);
    expect(Object.fromEntries(readdirSync(folder).map((name) => [name, statSync(join(folder, name)).ino]))).toEqual(before);
  });

  it('land up (which sets V8 flags of its own) writes its cache once; the next land up uses it unchanged, a command between them too', async () => {
    // V8 rejects cached data written under other flags than the reader's: flags changed at run time after the cache
    // was read (src/runtime/v8-flags.ts) made every land up reject its cache and write it again.
    const root = cacheRoot();
    const dir = makeProject({ config: { tiers: { web: { command: child() } } } });
    const up = async () => {
      const run = land(['up', '--no-tui'], dir, { LAND_CODE_CACHE_DIR: root });
      await run.waitFor(/web: starting → (ready|running)/);
      expect((await run.stop()).code).toBe(0);
    };
    await up();
    const folder = join(root, `${FOLDER}-stack`); // apart from the other commands' (V8 flags of its own)
    const written = () => Object.fromEntries(readdirSync(folder).map((name) => [name, statSync(join(folder, name)).ino]));
    const first = written();
    expect(Object.keys(first)).toContain('main.js.v8');
    // Another command in between (other flags, other folder) changes neither.
    const checked = await check({ LAND_CODE_CACHE_DIR: root });
    expect(checked.code).toBe(0);
    const plainFiles = readdirSync(join(root, FOLDER)).map((name) => [name, statSync(join(root, FOLDER, name)).ino]);
    await up();
    const second = written();
    for (const [name, ino] of Object.entries(first)) expect([name, second[name]]).toEqual([name, ino]);
    await check({ LAND_CODE_CACHE_DIR: root });
    expect(readdirSync(join(root, FOLDER)).map((name) => [name, statSync(join(root, FOLDER, name)).ino])).toEqual(plainFiles);
  });

  it('land up killed (SIGKILL) as soon as its first child is spawned has written its cache by then', async () => {
    // The loader writes 250 ms after the last compile without a cache; a harness that kills the stack once its child
    // has connected (the bench's cold start) came sooner on a quiet machine, so no start of that build had a cache.
    const root = cacheRoot();
    const dir = makeProject({ config: { tiers: { web: { command: ['sleep', '30'] } } } });
    const run = land(['up', '--no-tui'], dir, { LAND_CODE_CACHE_DIR: root });
    const [, pid] = await run.waitFor(/web: spawned pid (\d+)/);
    run.signal('SIGKILL');
    await run.exited;
    process.kill(-Number(pid), 'SIGKILL'); // its own process group, which land did not get to stop
    const files = readdirSync(join(root, `${FOLDER}-stack`));
    expect(files).toContain('main.js.v8');
    expect(files.some((name) => name.startsWith('chunks__up-stack'))).toBe(true);
  });

  it('a corrupt or truncated entry is rejected and written again; the run behaves as without a cache', async () => {
    const root = cacheRoot();
    const plain = await withoutCache;
    await check({ LAND_CODE_CACHE_DIR: root });
    const folder = join(root, FOLDER);
    const entry = join(folder, 'main.js.v8');
    const good = readFileSync(entry);
    writeFileSync(entry, good.subarray(0, good.length >> 1));
    const garbage = join(folder, readdirSync(folder).find((name) => name.startsWith('chunks__'))!);
    writeFileSync(garbage, Buffer.alloc(4096, 7));

    expect(await check({ LAND_CODE_CACHE_DIR: root })).toEqual(plain);
    expect(readFileSync(entry).length).toBeGreaterThan(good.length >> 1);
    expect(readFileSync(garbage).equals(Buffer.alloc(4096, 7))).toBe(false);
  });

  it("keeps other nodes' and builds' folders apart, and prunes all but the four most recent", async () => {
    const root = cacheRoot();
    const others = ['v18.0.0-x64-aaaa', 'v20.0.0-x64-bbbb', 'v22.0.0-x64-cccc', `${process.version}-${process.arch}-0123456789abcdef`];
    others.forEach((name, i) => {
      mkdirSync(join(root, name), { mode: 0o700 });
      writeFileSync(join(root, name, 'main.js.v8'), 'not for this build', { mode: 0o600 });
      utimesSync(join(root, name), new Date(2020, 0, i + 1), new Date(2020, 0, i + 1));
    });
    writeFileSync(join(root, 'notes.txt'), 'not the cache’s: left alone');

    expect(await check({ LAND_CODE_CACHE_DIR: root })).toEqual(await withoutCache);
    expect(readdirSync(root).sort()).toEqual([...others.slice(1), FOLDER, 'notes.txt'].sort());
    expect(readFileSync(join(root, others[3]!, 'main.js.v8'), 'utf8')).toBe('not for this build');
  });

  it('a folder that cannot be created, or that is not private, is neither read nor written', async () => {
    const plain = await withoutCache;
    const root = cacheRoot();
    writeFileSync(join(root, 'a-file'), '');
    expect(await check({ LAND_CODE_CACHE_DIR: join(root, 'a-file', 'cache') })).toEqual(plain);

    // The entry is a FIFO with no writer: land would block on opening it, so a read shows as a check that never ends.
    const open = join(root, 'open');
    mkdirSync(join(open, FOLDER), { recursive: true });
    chmodSync(join(open, FOLDER), 0o777);
    execFileSync('mkfifo', ['-m', '600', join(open, FOLDER, 'main.js.v8')]);
    const run = land(['check'], project, { LAND_CODE_CACHE_DIR: open });
    const ended = await Promise.race([run.exited.then(() => true), delay(20_000).then(() => false)]);
    if (!ended) await run.stop();
    expect(ended).toBe(true);
    expect({ code: (await run.exited).code, output: run.output }).toEqual(plain);
    expect(readdirSync(join(open, FOLDER))).toEqual(['main.js.v8']);
    expect(lstatSync(join(open, FOLDER, 'main.js.v8')).isFIFO()).toBe(true);
  });

  it('a bundle file changed after the build, to other content of the same length, does not run the old cache', () => {
    // V8 checks cached data against the source's length only, and the build id is what the manifest says: a file
    // changed without it (a build stopped half-way, a patched or copied-over dist) must not run the old bytecode.
    const copy = cacheRoot();
    for (const part of ['bin', 'dist', 'package.json']) cpSync(join(ROOT, part), join(copy, part), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
    const root = cacheRoot();
    const run = () => spawnSync(process.execPath, [join(copy, 'bin', 'land.js'), 'check'], { cwd: project, env: { ...process.env, LAND_CODE_CACHE_DIR: root }, encoding: 'utf8' });
    expect(run().stderr).toMatch(/no problems/);
    expect(run().stderr).toMatch(/no problems/); // from the cache
    const chunks = join(copy, 'dist', 'cli', 'chunks');
    const file = join(chunks, readdirSync(chunks).find((name) => readFileSync(join(chunks, name), 'latin1').includes('no problems'))!);
    const text = readFileSync(file, 'latin1');
    writeFileSync(file, text.replace('no problems', 'NO PROBLEMS'), 'latin1');
    expect(statSync(file).size).toBe(text.length);
    const changed = run();
    expect(changed.status).toBe(0);
    expect(changed.stderr).toMatch(/NO PROBLEMS/);
    expect(run().stderr).toMatch(/NO PROBLEMS/); // and its new cache is the new file's
  });

  it("every script of the bundle is written inside the loader's wrapper (compiled as read, not copied); one without it still runs", () => {
    // Wrapping at load made a second copy of each script's source (≈ 430 KB for land up) and one more scavenge.
    const cli = join(ROOT, 'dist', 'cli');
    const scripts = ['main.js', ...readdirSync(join(cli, 'chunks')).map((name) => join('chunks', name))].filter((name) => name.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(5);
    for (const name of scripts) {
      const text = readFileSync(join(cli, name), 'latin1');
      expect(text.startsWith(SCRIPT_HEAD), name).toBe(true);
      expect(text.endsWith(SCRIPT_TAIL), name).toBe(true);
    }
    // A script written without it (an older build's, a hand-patched one) is wrapped at load, as before.
    const copy = cacheRoot();
    for (const part of ['bin', 'dist', 'package.json']) cpSync(join(ROOT, part), join(copy, part), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
    const chunks = join(copy, 'dist', 'cli', 'chunks');
    const file = join(chunks, readdirSync(chunks).find((name) => readFileSync(join(chunks, name), 'latin1').includes('no problems'))!);
    const text = readFileSync(file, 'latin1');
    writeFileSync(file, text.slice(SCRIPT_HEAD.length, -SCRIPT_TAIL.length), 'latin1');
    const run = spawnSync(process.execPath, [join(copy, 'bin', 'land.js'), 'check'], { cwd: project, env: { ...process.env, LAND_CODE_CACHE_DIR: cacheRoot() }, encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/no problems/);
  });

  it("another user's cache folder (a sudo land that kept HOME): a per-user one in the temp dir instead, never one someone else made", async () => {
    const NOBODY = 65534;
    const home = cacheRoot();
    const usual = join(home, '.cache', 'land', 'code-cache');
    mkdirSync(usual, { recursive: true, mode: 0o700 }); // root's, as `sudo land` leaves it
    const temp = cacheRoot();
    chmodSync(temp, 0o1777);
    const restore = [letOthersTraverse(ROOT), letOthersTraverse(project), letOthersTraverse(temp)];
    try {
      const asNobody = async (tmp: string) => {
        const run = new LandRun(['check'], {
          cwd: project,
          env: { HOME: home, TMPDIR: tmp, XDG_CACHE_HOME: undefined, LAND_CODE_CACHE_DIR: undefined },
          launcher: ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups'],
        });
        return { code: (await run.exited).code, output: run.output };
      };
      const plain = await withoutCache;
      expect(await asNobody(temp)).toEqual(plain);
      const folder = join(temp, `land-${NOBODY}`, 'code-cache', FOLDER);
      expect(statSync(join(temp, `land-${NOBODY}`)).uid).toBe(NOBODY);
      expect(statSync(join(temp, `land-${NOBODY}`)).mode & 0o777).toBe(0o700);
      const files = readdirSync(folder);
      expect(files).toContain('main.js.v8');
      const written = Object.fromEntries(files.map((name) => [name, statSync(join(folder, name)).ino]));
      expect(await asNobody(temp)).toEqual(plain);
      expect(Object.fromEntries(readdirSync(folder).map((name) => [name, statSync(join(folder, name)).ino]))).toEqual(written);
      expect(readdirSync(usual)).toEqual([]);

      // land-<uid> made by someone else first (open to all): nobody's land neither reads nor writes there.
      const shared = cacheRoot();
      chmodSync(shared, 0o1777);
      restore.push(letOthersTraverse(shared));
      mkdirSync(join(shared, `land-${NOBODY}`), { mode: 0o777 });
      chmodSync(join(shared, `land-${NOBODY}`), 0o777);
      expect(await asNobody(shared)).toEqual(plain);
      expect(readdirSync(join(shared, `land-${NOBODY}`))).toEqual([]);
      // …nor when it is nobody's own but open to others.
      chownSync(join(shared, `land-${NOBODY}`), NOBODY, NOBODY);
      expect(await asNobody(shared)).toEqual(plain);
      expect(readdirSync(join(shared, `land-${NOBODY}`))).toEqual([]);

      // A temp dir anyone may write without the sticky bit: land-<uid> is not made there…
      const open = cacheRoot();
      chmodSync(open, 0o777);
      restore.push(letOthersTraverse(open));
      expect(await asNobody(open)).toEqual(plain);
      expect(readdirSync(open)).toEqual([]);
      // …nor used there, though it is nobody's own and private (another user could swap it between look and use).
      mkdirSync(join(open, `land-${NOBODY}`), { mode: 0o700 });
      chownSync(join(open, `land-${NOBODY}`), NOBODY, NOBODY);
      expect(await asNobody(open)).toEqual(plain);
      expect(readdirSync(join(open, `land-${NOBODY}`))).toEqual([]);
      // The same folder in a sticky temp dir is used: the cache is written there.
      chmodSync(open, 0o1777);
      expect(await asNobody(open)).toEqual(plain);
      expect(readdirSync(join(open, `land-${NOBODY}`, 'code-cache', FOLDER))).toContain('main.js.v8');
    } finally {
      restore.forEach((undo) => undo());
    }
  });

  it('LAND_CODE_CACHE=0 writes nothing', async () => {
    const root = cacheRoot();
    expect(await check({ LAND_CODE_CACHE: '0', LAND_CODE_CACHE_DIR: root })).toEqual(await withoutCache);
    expect(readdirSync(root)).toEqual([]);
  });
});
