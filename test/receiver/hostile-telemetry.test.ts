/**
 * What a child sends is shown safely on every surface of a real stack: a child posts OTLP/JSON with span names that
 * carry terminal control sequences, attributes and log bodies that hold secrets, and one span twice (a retrying
 * exporter). `land trace` and `land logs` print no control character of the child's; `--json` masks secrets as the
 * dashboard does; the span sent twice counts once.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, land, landDone, makeProject, removeProjects, type LandRun } from '../helpers/land.js';
import { cleanUp, status } from '../control/helpers.js';
import { E2E_TIMEOUT } from '../devloop/helpers.js';

const HOSTILE = join(ROOT, 'test', 'fixtures', 'otlp-hostile-child.mjs');
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/;

const runs: LandRun[] = [];
let dir = '';
let traceId = '';

beforeAll(async () => {
  dir = makeProject({ config: { app: 'shop', tiers: { hostile: { command: ['node', HOSTILE], ready: { log: 'hostile posted' } } } } });
  const run = land(['up', '--no-tui'], dir);
  runs.push(run);
  await run.waitFor(/hostile posted ([0-9a-f]{32})/, 60_000);
  traceId = /hostile posted ([0-9a-f]{32})/.exec(run.stdout)![1]!;
}, E2E_TIMEOUT);

afterAll(async () => {
  await cleanUp(runs);
  removeProjects();
});

describe("a child's hostile telemetry", () => {
  it('land trace escapes control characters in span names; land logs in record bodies, not in the tier own lines', async () => {
    const tree = await landDone(['trace'], dir, { COLUMNS: '120' });
    expect(tree.code).toBe(0);
    expect(tree.stdout).not.toMatch(CONTROL);
    expect(tree.stdout).toContain('esc \\x1b]0;TITLE\\x07 \\x1b[2J x');
    expect(tree.stdout).toMatch(/child\\nwith newline +hostile /);

    const logs = await landDone(['logs', 'hostile'], dir);
    expect(logs.code).toBe(0);
    const record = logs.stdout.split('\n').find((line) => line.includes('[otlp INFO]'))!;
    expect(record).toContain('painted \\x1b[31mred\\x1b[0m \\x1b]0;TITLE\\x07 end');
    expect(record).not.toMatch(CONTROL);
    expect(logs.stdout).toContain('\u001b[32mgreen own line\u001b[0m');
  });
});
