/**
 * A wave of starts (src/supervisor/spawn-wave.ts): the tiers a scheduling pass starts are forked back to back, then
 * adopted one by one. Each child still gets its own span and TRACEPARENT, a spawn that fails in the middle of the
 * wave fails that tier alone, and a tier waiting for another to be `started` starts in the next wave.
 */
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { child, envReports, land, makeProject, removeProjects, waitUntil } from '../helpers/land.js';

afterAll(removeProjects);

const lineIndex = (output: string, pattern: RegExp) => output.split('\n').findIndex((line) => pattern.test(line));

describe('a wave of starts', () => {
  it('adopts each child of the wave in tier order, one TRACEPARENT each; a failed spawn fails its tier alone', async () => {
    const reports = join(makeProject({ config: { tiers: {} } }), 'reports');
    const names = ['w0', 'w1', 'w2', 'w3', 'w4'];
    const dir = makeProject({
      config: {
        tiers: {
          ...Object.fromEntries(names.map((name) => [name, { command: child('--report-env', reports) }])),
          // Passes the preflight (an executable file), fails at exec: its interpreter does not exist.
          broken: { command: ['bin/broken'], restart: { policy: 'never' } },
          after: { command: child('--report-env', reports), dependsOn: { w0: 'started' } },
        },
      },
      files: { 'bin/broken': '#!/no/such/interpreter\n' },
    });
    chmodSync(join(dir, 'bin', 'broken'), 0o755);
    const run = land(['up', '--no-tui'], dir);
    for (const name of [...names, 'after']) await run.waitFor(new RegExp(`${name}: starting → ready`));
    await run.waitFor(/broken: pending → failed \(spawn failed/);
    await waitUntil(() => envReports(reports).length === names.length + 1, 20_000, 'an env report from every child');
    await run.stop();
    const out = run.stdout;

    // Per tier: starting, then its own spawn line, before the next tier of the wave is adopted.
    for (const [i, name] of names.entries()) {
      const starting = lineIndex(out, new RegExp(`^mountain \\| ${name}: pending → starting`));
      const spawned = lineIndex(out, new RegExp(`^mountain \\| ${name}: spawned pid \\d+`));
      expect(starting, name).toBeGreaterThan(-1);
      expect(spawned, name).toBeGreaterThan(starting);
      const next = names[i + 1];
      if (next) expect(lineIndex(out, new RegExp(`^mountain \\| ${next}: pending → starting`))).toBeGreaterThan(spawned);
    }
    // The `started` dependent waits for w0's spawn, in a wave of its own.
    expect(lineIndex(out, /after: pending → starting/)).toBeGreaterThan(lineIndex(out, /w0: spawned pid/));

    // A spawn that fails at exec is started once: node says why only a tick later, and the wave's next pass (asked for
    // by the other tiers' state events) must not start it again.
    expect(out.match(/broken: pending → failed/g)).toHaveLength(1);
    expect(out).not.toMatch(/broken: failed → failed/);

    const envs = envReports(reports);
    const traceparents = envs.map((env) => env.TRACEPARENT);
    expect(new Set(traceparents).size).toBe(envs.length);
    const traceId = envs[0]!.OTLP_TRACE_ID!;
    for (const env of envs) {
      expect(env.OTLP_TRACE_ID).toBe(traceId);
      expect(env.TRACEPARENT).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
      expect(env.LAND_SUPERVISED).toBe('1');
    }
    expect(new Set(envs.map((env) => env.LAND_TIER))).toEqual(new Set([...names, 'after']));
  });
});
