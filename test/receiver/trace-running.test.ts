/**
 * `land trace` while the stack runs with the recording off (no env file, the default): land.boot ends only at
 * shutdown, so the boot's trace is found by land's other spans (a spawn span ends at ready) and its root is drawn
 * from what the running stack says, marked running. A tier's own trace is
 * listed apart and the boot's is never among them; replicas' spawn spans read by the replica's name.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cleanUp } from '../control/helpers.js';
import { child, land, landDone, makeProject, removeProjects, type LandRun } from '../helpers/land.js';

const runs: LandRun[] = [];
afterEach(async () => {
  await cleanUp(runs);
  removeProjects();
});

interface SpanLine {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  running?: boolean;
  cutShort?: boolean;
}

const OWN_TRACE = '0123456789abcdef'.repeat(2);

/** Two spans of a trace tier `t` started on its own, in OTLP/JSON. */
function ownTrace(): string {
  const now = BigInt(Date.now()) * 1_000_000n;
  const span = (spanId: string, name: string, parentSpanId?: string) => ({
    traceId: OWN_TRACE,
    spanId,
    ...(parentSpanId ? { parentSpanId } : {}),
    name,
    startTimeUnixNano: String(now),
    endTimeUnixNano: String(now + 5_000_000n),
  });
  const resource = { attributes: [{ key: 'land.tier', value: { stringValue: 't' } }] };
  return JSON.stringify({ resourceSpans: [{ resource, scopeSpans: [{ spans: [span('a'.repeat(16), 'own.root'), span('b'.repeat(16), 'own.child', 'a'.repeat(16))] }] }] });
}

async function spansOnDisk(dir: string, count: number): Promise<SpanLine[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const out = (await landDone(['trace', '--json'], dir)).stdout.trim();
    const lines = out === '' ? [] : out.split('\n').map((line) => JSON.parse(line) as SpanLine);
    // The root drawn for a boot not ended (running) or ended without recording it (cut short) is no span on disk.
    if (lines.filter((span) => !span.running && !span.cutShort).length >= count) return lines;
    if (Date.now() > deadline) throw new Error(`expected ${count} spans on disk, got: ${out}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('land trace of a running boot, recording off', () => {
  it("draws the boot's trace (not every span) and lists only the tiers' own traces; replicas by their names", async () => {
    const dir = makeProject({ config: { app: 'd', tiers: { t: { command: child() }, web: { command: child(), replicas: 2 } } } });
    const run = land(['up', '--no-tui'], dir);
    runs.push(run);
    await run.waitFor(/web\.2: starting → ready/);
    await run.waitFor(/web\.1: starting → ready/);
    await run.waitFor(/t: starting → ready/);
    const status = JSON.parse((await landDone(['status', '--json'], dir)).stdout) as { traceId: string; receiver: { endpoint: string } };
    const answer = await fetch(`${status.receiver.endpoint}/v1/traces`, { method: 'POST', body: ownTrace(), headers: { 'content-type': 'application/json' } });
    expect(answer.status).toBe(200);
    const lines = await spansOnDisk(dir, 5);
    const recorded = lines.filter((span) => span.traceId === status.traceId && !span.running);
    expect(recorded.map((span) => span.name).sort()).toEqual(['land.spawn t', 'land.spawn web', 'land.spawn web']);
    // `--json` carries the root the tree draws, marked running, first, each spawn span under it.
    expect(lines[0]).toMatchObject({ name: 'land.boot', traceId: status.traceId, running: true, parentSpanId: null });
    for (const span of recorded) expect(span.parentSpanId).toBe(lines[0]!.spanId);

    const tree = await landDone(['trace'], dir, { COLUMNS: '100' });
    expect(tree.code).toBe(0);
    expect(tree.stdout).toMatch(new RegExp(`^boot \\S+\\ntrace ${status.traceId} · 3 spans · 0 events\\n`));
    const rows = tree.stdout.split('\n');
    // land.boot is not recorded until shutdown: drawn from the stack as the root, marked running, the spawns under it.
    expect(rows.find((row) => row.startsWith('land.boot '))).toMatch(/^land\.boot\s+mountain\s+\+0ms\s+\S+\s+running$/);
    expect(rows.filter((row) => /^[├└]─ land\.spawn /.test(row)).map((row) => row.split(/\s+/)[2]).sort()).toEqual(['t', 'web.1', 'web.2']);
    const own = rows.slice(rows.findIndex((row) => row.startsWith('traces tiers started on their own')) + 1).filter((row) => row !== '');
    expect(own).toEqual([expect.stringMatching(new RegExp(`^t\\s+${OWN_TRACE.slice(0, 12)}\\s+2 spans .*own\\.root$`))]);
    expect((await run.stop()).code).toBe(0);
  });

  it('draws a boot whose land was SIGKILLed under a root marked cut short, in the tree and in --json', async () => {
    const dir = makeProject({ config: { app: 'd', tiers: { t: { command: child() }, u: { command: child() } } } });
    const run = land(['up', '--no-tui'], dir);
    runs.push(run);
    await run.waitFor(/t: starting → ready/);
    await run.waitFor(/u: starting → ready/);
    const status = JSON.parse((await landDone(['status', '--json'], dir)).stdout) as { traceId: string };
    await spansOnDisk(dir, 2);
    // Its guardian reaps the tiers; no shutdown ran, so no land.boot was ever written.
    run.signal('SIGKILL');
    await run.exited;

    const lines = (await landDone(['trace', '--json'], dir)).stdout.trim().split('\n').map((line) => JSON.parse(line) as SpanLine);
    expect(lines.some((span) => span.running)).toBe(false);
    expect(lines[0]).toMatchObject({ name: 'land.boot', traceId: status.traceId, cutShort: true, status: 'error', parentSpanId: null });
    expect(lines.slice(1).map((span) => span.name).sort()).toEqual(['land.spawn t', 'land.spawn u']);
    for (const span of lines.slice(1)) expect(span.parentSpanId).toBe(lines[0]!.spanId);

    const tree = await landDone(['trace'], dir, { COLUMNS: '100' });
    expect(tree.code).toBe(0);
    // Recorded spans are counted; the drawn root is not one of them.
    expect(tree.stdout).toMatch(new RegExp(`^boot \\S+\\ntrace ${status.traceId} · 2 spans · 0 events\\n`));
    const rows = tree.stdout.split('\n');
    expect(rows.find((row) => row.startsWith('land.boot '))).toMatch(/^land\.boot\s+mountain\s+\+0ms\s+\S+\s+cut short$/);
    expect(rows.filter((row) => /^[├└]─ land\.spawn [tu]\s/.test(row))).toHaveLength(2);
  });
});
