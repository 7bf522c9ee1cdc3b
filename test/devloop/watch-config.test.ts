/**
 * `land up --watch-config` through the real CLI: real files saved as editors save them (written in place, or written
 * beside and renamed over), applied as `land apply` applies them; a save that cannot be applied changes nothing and
 * is said (the plain output's line, the snapshot's error) until a later save applies; a burst of saves is one apply;
 * saves during an apply are applied once after it, with the latest content.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { child, envReports, land, landDone, makeProject, markedProcesses, removeProjects, waitUntil, type LandRun } from '../helpers/land.js';
import { cleanUp, socketSnapshot, status, tierOf, waitForTier } from '../control/helpers.js';
import type { StackSnapshot } from '../../src/supervisor/types.js';
import { E2E_TIMEOUT } from './helpers.js';

const runs: LandRun[] = [];
// The tests run side by side (each its own project and stack): one clean-up after all of them, which an afterEach
// would do to the others' stacks. After-hooks run in reverse: the stacks stop, then the projects go.
afterAll(removeProjects);
afterAll(async () => {
  await cleanUp(runs);
});

const CONFIG = 'land.config.mjs';
const text = (config: Record<string, unknown>) => `export default ${JSON.stringify(config, null, 2)};\n`;

/** An editor writing over the file itself (truncate, then write). */
function saveInPlace(dir: string, config: Record<string, unknown>): void {
  writeFileSync(join(dir, CONFIG), text(config));
}

/** An editor's atomic save: a new file beside it, renamed over it (a new inode). */
function saveRenamingOver(dir: string, config: Record<string, unknown>): void {
  writeFileSync(join(dir, `.${CONFIG}.swp`), text(config));
  renameSync(join(dir, `.${CONFIG}.swp`), join(dir, CONFIG));
}

const configWatch = (snapshot: StackSnapshot) => snapshot.configWatch!;
const appliedLines = (run: LandRun) => run.stdout.split('\n').filter((line) => /^mountain +\| config: land\.config\.mjs saved; applied/.test(line));

async function upWatching(dir: string, names: string[], args: string[] = []): Promise<LandRun> {
  const run = land(['up', '--no-tui', '--watch-config', ...args], dir);
  runs.push(run);
  for (const name of names) await waitForTier(dir, name, (tier) => tier.state === 'ready', 'ready');
  for (;;) {
    const watch = (await socketSnapshot(dir))?.configWatch;
    if (watch?.watching) break;
    await sleep(50);
  }
  return run;
}

// Side by side: each test has its own project, stack and files; most of their time is waiting on land's applies.
describe.concurrent('land up --watch-config', () => {
  it('applies a save written in place and one renamed over, each said in one line', async () => {
    const reports = join(makeProject({ config: { tiers: {} } }), 'reports');
    const api = (greeting: string) => ({ command: child('--report-env', reports, '--say', 'api up'), env: { GREETING: greeting }, ready: { log: 'api up' } });
    const db = { command: child('--say', 'db up'), ready: { log: 'db up' } };
    const dir = makeProject({ config: { tiers: { db, api: api('one') } } });
    const run = await upWatching(dir, ['db', 'api']);
    const before = await status(dir);
    expect(configWatch(before)).toMatchObject({ files: [CONFIG, join('profiles', 'debug.env')], watching: true, applied: 0 });

    saveInPlace(dir, { tiers: { db, api: api('two') } });
    await run.waitFor(/^mountain +\| config: land\.config\.mjs saved; applied: restarted api \(env GREETING\)$/m);
    await waitUntil(() => envReports(reports, 'api').some((env) => env.GREETING === 'two'), 20_000, 'api with its new env');

    const web = { command: child('--say', 'web up'), dependsOn: { api: 'ready' }, ready: { log: 'web up' } };
    saveRenamingOver(dir, { tiers: { db, api: api('two'), web } });
    await run.waitFor(/^mountain +\| config: land\.config\.mjs saved; applied: added web$/m);
    await waitForTier(dir, 'web', (tier) => tier.state === 'ready', 'ready');
    // Still watched after the rename: a third save (in place again) is applied too.
    saveInPlace(dir, { tiers: { db, api: api('two') } });
    await run.waitFor(/^mountain +\| config: land\.config\.mjs saved; applied: removed web$/m);

    const after = await status(dir);
    expect(tierOf(after, 'db').pid).toBe(tierOf(before, 'db').pid);
    expect(configWatch(after)).toMatchObject({ watching: true, applied: 3, last: { summary: 'land.config.mjs saved; applied: removed web' } });
    expect(after.tiers.map((tier) => tier.name)).toEqual(['db', 'api']);
    expect(await run.stop()).toEqual({ code: 0, signal: null });
    expect(markedProcesses(run.bootId)).toEqual([]);
  }, E2E_TIMEOUT);

  it("a bad save changes nothing and is said with land apply's line until a good save applies; the profile is watched too", async () => {
    const tiers = { a: { command: child('--say', 'a up'), ready: { log: 'a up' } }, b: { command: child('--say', 'b up'), gate: 'B', ready: { log: 'b up' } } };
    const dir = makeProject({ config: { tiers }, profiles: { debug: 'B=true\n' } });
    const run = await upWatching(dir, ['a', 'b']);
    const before = await status(dir);

    saveRenamingOver(dir, { tiers: { a: { command: 42 } } });
    const line = await run.waitFor(/^mountain +\| config: land\.config\.mjs saved; not applied, nothing changed: (.*)$/m);
    // The same one line `land apply` prints for it, naming the file, the key and what was expected.
    const apply = await landDone(['apply'], dir);
    expect(apply.code).toBe(2);
    expect(apply.stderr).toBe(`land: ${line[1]}\n`);
    expect(line[1]).toMatch(/^land\.config\.mjs: tiers\.a\.command: expected /);
    const refused = await status(dir);
    expect(configWatch(refused).error?.message).toBe(`land.config.mjs saved; not applied, nothing changed: ${line[1]}`);
    expect(refused.tiers.map((tier) => [tier.name, tier.state, tier.pid])).toEqual(before.tiers.map((tier) => [tier.name, 'ready', tier.pid]));
    expect(configWatch(refused).applied).toBe(0);

    // The config good again (nothing changed in it): applied, the error gone.
    saveInPlace(dir, { tiers });
    await run.waitFor(/^mountain +\| config: land\.config\.mjs saved; applied: no tier changed$/m);
    expect(configWatch(await status(dir)).error).toBeUndefined();

    // A save of the profile: b is gated off.
    writeFileSync(join(dir, 'profiles', 'debug.env'), 'B=false\n');
    // Every tier's environment has the profile's variables: a restarts with the new B.
    await run.waitFor(/^mountain +\| config: profiles\/debug\.env saved; applied: restarted a \(env B\); stopped b \(gated off \(B=false\); env B\)$/m);
    await waitForTier(dir, 'b', (tier) => tier.state === 'disabled', 'disabled');
    expect(await run.stop()).toEqual({ code: 0, signal: null });
  }, E2E_TIMEOUT);

  it('a land apply from the CLI clears a refused save and watches the local import it brought', async () => {
    const tier = (name: string) => `{ command: ${JSON.stringify(child('--say', `${name} up`))}, ready: { log: '${name} up' } }`;
    const dir = makeProject({ config: { tiers: {} }, files: { 'land.config.ts': `export default { tiers: { a: ${tier('a')} } };\n` } });
    const run = await upWatching(dir, ['a'], ['-c', 'land.config.ts']);

    // A save that imports a file outside the config's folder that does not compile: refused, and the import is not
    // awaited (only files in the config's folder are: see the next tests), so mending that file alone applies nothing.
    const more = join(makeProject({ config: { tiers: {} } }), 'more.ts');
    writeFileSync(more, 'export const more = {{;\n');
    writeFileSync(join(dir, 'land.config.ts'), `import { more } from ${JSON.stringify(more)};\nexport default { tiers: { a: ${tier('a')}, ...more } };\n`);
    await run.waitFor(/^mountain +\| config: land\.config\.ts saved; not applied, nothing changed: /m);
    writeFileSync(more, `export const more = { b: ${tier('b')} };\n`);
    expect((await landDone(['apply', '-c', 'land.config.ts'], dir)).code).toBe(0);
    await waitForTier(dir, 'b', (t) => t.state === 'ready', 'ready');
    // The refusal no longer holds (the banner and the dashboard's notice go), and more.ts is watched from now on.
    await run.waitFor(/^mountain +\| config: land\.config\.ts applied by land apply; the save refused before is moot$/m);
    const applied = configWatch(await status(dir));
    expect(applied.error).toBeUndefined();
    expect([...applied.files].sort()).toEqual(['land.config.ts', relative(dir, more), join('profiles', 'debug.env')].sort());
    writeFileSync(more, `export const more = { b: ${tier('b')}, c: ${tier('c')} };\n`);
    await run.waitFor(/^mountain +\| config: \S*more\.ts saved; applied: added c$/m);
    expect(await run.stop()).toEqual({ code: 0, signal: null });
  }, E2E_TIMEOUT);

  it('a refused save that imports a file that does not compile is applied once that file is saved mended', async () => {
    const tier = (name: string) => `{ command: ${JSON.stringify(child('--say', `${name} up`))}, ready: { log: '${name} up' } }`;
    const dir = makeProject({ config: { tiers: {} }, files: { 'land.config.ts': `export default { tiers: { a: ${tier('a')} } };\n` } });
    const run = await upWatching(dir, ['a'], ['-c', 'land.config.ts']);
    const refused = /^mountain +\| config: land\.config\.ts saved; not applied, nothing changed: .*more\.ts:1:\d+/gm;
    writeFileSync(join(dir, 'more.ts'), 'export const more = {{;\n');
    writeFileSync(join(dir, 'land.config.ts'), `import { more } from './more.ts';\nexport default { tiers: { a: ${tier('a')}, ...more } };\n`);
    await run.waitFor(refused);
    // Saved again, still broken another way: tried again and said (another reason), as the file saved.
    writeFileSync(join(dir, 'more.ts'), 'export const more = ((;\n');
    await run.waitFor(/^mountain +\| config: more\.ts saved; not applied, nothing changed: /m);
    // Mended: the refused save is applied.
    writeFileSync(join(dir, 'more.ts'), `export const more = { b: ${tier('b')} };\n`);
    await run.waitFor(/^mountain +\| config: more\.ts saved; applied: added b$/m);
    await waitForTier(dir, 'b', (t) => t.state === 'ready', 'ready');
    const applied = configWatch(await status(dir));
    expect(applied.error).toBeUndefined();
    expect(applied.files).toEqual(['land.config.ts', 'more.ts', join('profiles', 'debug.env')]);
    expect(await run.stop()).toEqual({ code: 0, signal: null });
  }, E2E_TIMEOUT);

  it('a refused save that imports a file not written yet is applied once that file (and its folder) appears', async () => {
    const tier = (name: string) => `{ command: ${JSON.stringify(child('--say', `${name} up`))}, ready: { log: '${name} up' } }`;
    const dir = makeProject({ config: { tiers: {} }, files: { 'land.config.ts': `export default { tiers: { a: ${tier('a')} } };\n` } });
    const run = await upWatching(dir, ['a'], ['-c', 'land.config.ts']);
    const refused = /^mountain +\| config: land\.config\.ts saved; not applied, nothing changed: .*Cannot find module '\.\/lib\/more'/gm;

    // Its folder is not there either, and the import names no extension.
    writeFileSync(join(dir, 'land.config.ts'), `import { more } from './lib/more';\nexport default { tiers: { a: ${tier('a')}, ...more } };\n`);
    await run.waitFor(refused);
    // The same save again is answered again: a save is never passed over.
    writeFileSync(join(dir, 'land.config.ts'), `import { more } from './lib/more';\nexport default { tiers: { a: ${tier('a')}, ...more } };\n`);
    await waitUntil(() => (run.stdout.match(refused) ?? []).length === 2, 20_000, 'the second refusal');
    // The folder appears: tried again, refused for the same reason, said no more (the refusal stands).
    mkdirSync(join(dir, 'lib'));
    // Time for that retry before the file comes (were they one burst, the file would be applied all the same).
    await sleep(1500);
    writeFileSync(join(dir, 'lib', 'more.ts'), `export const more = { b: ${tier('b')} };\n`);
    // Named by the file, or by the folder when a loaded machine took longer than that pause to retry (one burst then).
    await run.waitFor(/^mountain +\| config: lib(\/more\.ts)? saved; applied: added b$/m);
    await waitForTier(dir, 'b', (t) => t.state === 'ready', 'ready');
    expect(run.stdout.match(refused)).toHaveLength(2);
    const applied = configWatch(await status(dir));
    expect(applied.error).toBeUndefined();
    // What the config now reads is watched: a save of lib/more.ts applies.
    expect(applied.files).toEqual(['land.config.ts', join('lib', 'more.ts'), join('profiles', 'debug.env')]);
    writeFileSync(join(dir, 'lib', 'more.ts'), `export const more = { b: ${tier('b')}, c: ${tier('c')} };\n`);
    await run.waitFor(/^mountain +\| config: lib\/more\.ts saved; applied: added c$/m);
    expect(await run.stop()).toEqual({ code: 0, signal: null });
  }, E2E_TIMEOUT);

  it('a burst of saves is one apply; saves during an apply are applied once after it, with the latest content', async () => {
    const reports = join(makeProject({ config: { tiers: {} } }), 'reports');
    // A stop that takes a while (SIGTERM ignored, SIGKILL after 4 s): the apply is under way long enough to save into.
    const slow = (greeting: string) => ({
      command: child('--ignore-term', '--report-env', reports, '--say', 'slow up'),
      env: { GREETING: greeting },
      ready: { log: 'slow up' },
      stop: { timeoutMs: 4000 },
    });
    const dir = makeProject({ config: { tiers: { slow: slow('zero') } } });
    const run = await upWatching(dir, ['slow']);

    // Five saves in a row, in place and renamed over: one apply, of the last.
    for (const [index, greeting] of ['a', 'b', 'c', 'd', 'e'].entries()) {
      (index % 2 === 0 ? saveInPlace : saveRenamingOver)(dir, { tiers: { slow: slow(greeting) } });
    }
    await waitForTier(dir, 'slow', (tier) => tier.state === 'stopping', 'stopping for the apply');
    // Saves while that apply waits for the stop: two bursts, applied once, after it.
    saveInPlace(dir, { tiers: { slow: slow('f') } });
    await sleep(700);
    saveRenamingOver(dir, { tiers: { slow: slow('g') } });
    const lastLife = await waitForTier(dir, 'slow', (tier) => tier.state === 'ready' && tier.restarts >= 2, 'ready after its second restart').catch((error: unknown) => {
      throw new Error(`${String(error)}; land's output:\n${run.output}`);
    });
    expect(lastLife.restarts, run.output).toBe(2);

    expect(await run.stop()).toEqual({ code: 0, signal: null });
    // The lives' environments: the boot's, the burst's last (that life may be stopped by the second apply before it
    // reports: an apply does not wait for readiness), the last save's; none of the saves in between.
    const greetings = new Set(envReports(reports, 'slow').map((env) => env.GREETING));
    expect(greetings.has('zero') && greetings.has('g'), run.output).toBe(true);
    expect([...greetings].filter((greeting) => !['zero', 'e', 'g'].includes(greeting!))).toEqual([]);
    expect(appliedLines(run)).toEqual([
      expect.stringMatching(/ applied: restarted slow \(env GREETING\)$/),
      expect.stringMatching(/ applied: restarted slow \(env GREETING\)$/),
    ]);
  }, E2E_TIMEOUT);

  it('keeps seeing saves after bursts that mix writes in place and renames over one name', async () => {
    // chokidar (tried first) followed the file's inode and lost it here: after the first such burst no save was seen.
    const sleeper = (greeting: string) => ({ tiers: { a: { command: child('--say', 'a up'), env: { GREETING: greeting }, ready: { log: 'a up' } } } });
    const dir = makeProject({ config: sleeper('zero') });
    const run = await upWatching(dir, ['a']);
    for (let round = 1; round <= 3; round++) {
      for (let index = 0; index < 4; index++) (index % 2 === 0 ? saveInPlace : saveRenamingOver)(dir, sleeper(`${round}.${index}`));
      await waitUntil(() => appliedLines(run).length === round, 20_000, `round ${round} applied`).catch((error: unknown) => {
        throw new Error(`${String(error)}; land's output:\n${run.output}`);
      });
    }
    expect(await run.stop()).toEqual({ code: 0, signal: null });
    expect(appliedLines(run)).toHaveLength(3);
  }, E2E_TIMEOUT);

  it('the land `land up -d --watch-config` starts watches and applies too; without the flag nothing is watched', async () => {
    const tiers = { a: { command: child('--say', 'a up'), ready: { log: 'a up' } } };
    const dir = makeProject({ config: { tiers } });
    const started = await landDone(['up', '-d', '--watch-config'], dir);
    expect(started.code, started.stderr).toBe(0);
    try {
      for (let watching = false; !watching; await sleep(50)) watching = (await socketSnapshot(dir))?.configWatch?.watching === true;
      const extra = { command: child('--say', 'extra up'), ready: { log: 'extra up' } };
      saveRenamingOver(dir, { tiers: { ...tiers, extra } });
      // waitForTier fails on a tier not in the snapshot: wait for the save's apply (300 ms of quiet, then apply) first.
      for (let added = false; !added; await sleep(50)) added = (await socketSnapshot(dir))!.tiers.some((tier) => tier.name === 'extra');
      await waitForTier(dir, 'extra', (tier) => tier.state === 'ready', 'ready');
      expect(configWatch(await status(dir))).toMatchObject({ applied: 1, last: { summary: 'land.config.mjs saved; applied: added extra' } });
    } finally {
      expect((await landDone(['down'], dir)).code).toBe(0);
    }

    const plain = land(['up', '--no-tui'], dir);
    runs.push(plain);
    await waitForTier(dir, 'a', (tier) => tier.state === 'ready', 'ready');
    expect((await status(dir)).configWatch).toBeUndefined();
    expect(await plain.stop()).toEqual({ code: 0, signal: null });
  }, E2E_TIMEOUT);
});
