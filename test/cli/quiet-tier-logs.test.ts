/**
 * `land logs <tier>` after the stack has stopped, for a tier that printed nothing (one of the config, or one that
 * `land apply` added): exit 0 and a line saying it wrote nothing, as while the stack runs; an unknown name: exit 2.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanUp } from '../control/helpers.js';
import { land, landDone, makeProject, removeProjects, type LandRun } from '../helpers/land.js';

const runs: LandRun[] = [];
afterAll(async () => {
  await cleanUp(runs);
  removeProjects();
});

const config = (tiers: Record<string, unknown>) => `export default ${JSON.stringify({ app: 'q', tiers })};\n`;

describe('land logs of a tier that wrote nothing', () => {
  it('after the stack stopped: exit 0 and one line saying so, for a tier of the config and one land apply added', { timeout: 90_000 }, async () => {
    const dir = makeProject({ config: { app: 'q', tiers: { talk: { command: ['sh', '-c', 'echo hi; exec sleep 60'] }, quiet: { command: ['sleep', '60'] } } } });
    const run = land(['up', '--no-tui'], dir);
    runs.push(run);
    await run.waitFor(/quiet: starting → ready/);
    await run.waitFor(/talk: starting → ready/);
    writeFileSync(
      join(dir, 'land.config.mjs'),
      config({ talk: { command: ['sh', '-c', 'echo hi; exec sleep 60'] }, quiet: { command: ['sleep', '60'] }, added: { command: ['sleep', '60'] } }),
    );
    const apply = await landDone(['apply'], dir);
    expect(apply.code, apply.stderr).toBe(0);
    await run.waitFor(/added: starting → ready/);
    const running = await landDone(['logs', 'quiet'], dir);
    expect(running.code, running.stderr).toBe(0);
    expect((await run.stop()).code).toBe(0);

    for (const tier of ['quiet', 'added']) {
      const after = await landDone(['logs', tier], dir);
      expect(after.code, after.stderr).toBe(0);
      expect(after.stdout).toBe('');
      expect(after.stderr).toMatch(new RegExp(`^land: ${tier} wrote nothing in boot \\S+$`, 'm'));
    }
    const talk = await landDone(['logs', 'talk'], dir);
    expect(talk.stdout).toBe('hi\n');
    expect(talk.stderr).not.toContain('wrote nothing');
    const ghost = await landDone(['logs', 'ghost'], dir);
    expect(ghost.code).toBe(2);
    expect(ghost.stderr).toMatch(/unknown tier "ghost" in boot \S+ \(tiers with logs: added, quiet, talk\)/);
  });
});
