/**
 * A config that fails with a JavaScript error: node's message may quote a value written without quotes
 * (`sk_live_x is not defined`), which no registered secret matches. land keeps node's words and where, masks what may
 * be a secret, and names the key and line it belongs to: in `land check`, `land up` and `--watch-config`'s refusal
 * (the plain line, and status, which the UI and the dashboard show).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { child, land, landDone, makeProject, removeProjects, type LandRun } from '../helpers/land.js';
import { cleanUp, status, waitForTier } from '../control/helpers.js';

const runs: LandRun[] = [];
afterEach(async () => cleanUp(runs));
afterAll(removeProjects);

const STRIPE = 'sk_live_51Habcdef';
const withEnv = (line: string) => `export default { tiers: { a: { command: ['true'], env: {\n  ${line},\n} } } };\n`;

describe('a config failing with a JavaScript error around a would-be secret', () => {
  it('land check and land up: the value masked, the key and line named, node\'s words kept', { timeout: 60_000 }, async () => {
    const dir = makeProject({ config: { tiers: {} }, files: { 'land.config.ts': withEnv(`STRIPE_KEY: ${STRIPE}`) } });
    const check = await landDone(['check', '-c', 'land.config.ts'], dir);
    expect(check.code).toBe(2);
    expect(check.stdout.split('\n')[0]).toBe('land.config.ts: failed to load: *** is not defined (the value of STRIPE_KEY on line 2: expected a quoted string there)');

    writeFileSync(join(dir, 'land.config.mjs'), withEnv('DB_PASSWORD: hunter2 pass'));
    const up = await landDone(['up', '--no-tui', '-c', 'land.config.mjs'], dir);
    expect(up.code).toBe(2);
    expect(up.stderr).toBe("land: land.config.mjs:2:24: failed to load: Unexpected identifier '***' (the value of DB_PASSWORD on line 2: expected a quoted string there)\n");

    // The key not first on its line: `env:`'s value ends at the brace, DB_PASSWORD is a key of its own.
    writeFileSync(join(dir, 'land.config.mjs'), "export default { tiers: { a: { command: ['true'],\n  env: { DB_PASSWORD: hunter2pass } },\n} };\n");
    expect((await landDone(['check', '-c', 'land.config.mjs'], dir)).stdout.split('\n')[0]).toBe('land.config.mjs: failed to load: *** is not defined (the value of DB_PASSWORD on line 2: expected a quoted string there)');

    // A token under a key that does not say secret: masked by its shape; an ordinary name is still said.
    writeFileSync(join(dir, 'land.config.mjs'), withEnv('GH: ghp_abcdefghijklmnop1234'));
    expect((await landDone(['check', '-c', 'land.config.mjs'], dir)).stdout.split('\n')[0]).toBe('land.config.mjs: failed to load: *** is not defined');
    writeFileSync(join(dir, 'land.config.mjs'), withEnv('MODE: production'));
    expect((await landDone(['check', '-c', 'land.config.mjs'], dir)).stdout.split('\n')[0]).toBe('land.config.mjs: failed to load: production is not defined');
    // A long name a person wrote is said, and a value that is code (a call) is not masked nor hinted as a string.
    writeFileSync(join(dir, 'land.config.mjs'), "export default { tiers: { a: { command: ['true'], env: undefinedHelperForService2024() } } };\n");
    expect((await landDone(['check', '-c', 'land.config.mjs'], dir)).stdout.split('\n')[0]).toBe('land.config.mjs: failed to load: undefinedHelperForService2024 is not defined');
    const missing = join(dir, 'no-such-dir', 'tok');
    writeFileSync(join(dir, 'land.config.mjs'), `import { readFileSync } from 'node:fs';\n${withEnv(`API_TOKEN: readFileSync(${JSON.stringify(missing)}, 'utf8')`)}`);
    expect((await landDone(['check', '-c', 'land.config.mjs'], dir)).stdout.split('\n')[0]).toBe(`land.config.mjs: failed to load: ENOENT: no such file or directory, open '${missing}'`);
    for (const out of [check.stdout, check.stderr, up.stdout, up.stderr]) expect(out).not.toMatch(/sk_live|hunter2|ghp_/);
  });

  it("a message the config throws itself: its words kept, a value of the environment it quotes masked, the variable named", { timeout: 60_000 }, async () => {
    // Neither token-shaped nor under a secret-named variable: only its being the environment's value gives it away.
    const value = 'correct horse battery';
    const config = "if (process.env.X) throw new Error(`cannot reach ${process.env.X}: set X to the broker's address`);\nexport default { tiers: {} };\n";
    const dir = makeProject({ config: { tiers: {} }, files: { 'land.config.mjs': config } });
    const check = await landDone(['check', '-c', 'land.config.mjs'], dir, { X: value });
    expect(check.code).toBe(2);
    expect(check.stdout.split('\n')[0]).toBe("land.config.mjs: failed to load: cannot reach ***: set X to the broker's address (*** is the value of $X: a value of the environment is not shown)");
    const up = await landDone(['up', '--no-tui', '-c', 'land.config.mjs'], dir, { X: value });
    expect(up.code).toBe(2);
    for (const out of [check.stdout, check.stderr, up.stdout, up.stderr]) expect(out).not.toContain('horse');
    // A short or plain value is no secret's: said as it is (a path too, so a missing file is still named).
    const plain = await landDone(['check', '-c', 'land.config.mjs'], dir, { X: 'a.b' });
    expect(plain.stdout.split('\n')[0]).toBe("land.config.mjs: failed to load: cannot reach a.b: set X to the broker's address");
  });

  it('--watch-config: the refused save\'s line and the status error (the UI\'s and the dashboard\'s) are masked alike', { timeout: 60_000 }, async () => {
    const tier = `{ command: ${JSON.stringify(child('--say', 'a up'))}, ready: { log: 'a up' } }`;
    const dir = makeProject({ config: { tiers: {} }, files: { 'land.config.ts': `export default { tiers: { a: ${tier} } };\n` } });
    const run = land(['up', '--no-tui', '--watch-config', '-c', 'land.config.ts'], dir);
    runs.push(run);
    await waitForTier(dir, 'a', (t) => t.state === 'ready', 'ready');
    while (!(await status(dir)).configWatch?.watching) await sleep(50);
    writeFileSync(join(dir, 'land.config.ts'), `export default { tiers: { a: { ...${tier}, env: {\n  STRIPE_KEY: ${STRIPE} } } } };\n`);
    const line = await run.waitFor(/^mountain +\| config: land\.config\.ts saved; not applied, nothing changed: (.*)$/m);
    expect(line[1]).toBe('land.config.ts: failed to load: *** is not defined (the value of STRIPE_KEY on line 2: expected a quoted string there)');
    expect((await status(dir)).configWatch?.error?.message).toContain('*** is not defined');
    expect(JSON.stringify(await status(dir)) + run.output).not.toContain('sk_live');
    expect((await run.stop()).code).toBe(0);
  });
});
