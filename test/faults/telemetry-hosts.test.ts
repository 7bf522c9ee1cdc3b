/**
 * Faults at the telemetry hosts and the recording disk: PostHog and the OTLP collector refusing, hanging, answering
 * 500 or answering too slowly; the recording folder unwritable. The stack runs regardless, the pipe is shown as
 * unavailable in `land status --json`, land prints no error of its own and stops cleanly.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { land, makeProject, markedProcesses, removeProjects, type LandRun } from '../helpers/land.js';
import { cleanUp, status } from '../control/helpers.js';
import { snapshot } from './support.js';
import { startOtlpReceiver, startPostHogReceiver, waitFor, type ReceiverMode } from '../helpers/receivers.js';
import type { StackSnapshot } from '../../src/supervisor/types.js';

const KEY = 'phc_FAULTS_secret_never_printed_4c3b2a';
// Tests in this file run concurrently: each one's land and receivers are also closed here if it failed half-way.
const runs: LandRun[] = [];
const closers: Array<() => Promise<void>> = [];
afterAll(async () => {
  await cleanUp(runs);
  for (const close of closers.splice(0)) await close();
  removeProjects();
});

/** Ten cheap tiers: twenty events at boot, a full PostHog batch sent at once rather than after its interval. */
const TIERS = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`t${i}`, { command: ['sleep', '300'] }]));

const allReady = (snapshot: StackSnapshot) => snapshot.tiers.every((tier) => tier.state === 'ready');

/** Polls /status on the control socket (cheaper than a CLI process per poll) until `check` holds. */
async function statusUntil(dir: string, check: (snapshot: StackSnapshot) => boolean, what: string): Promise<StackSnapshot> {
  let last: StackSnapshot | undefined;
  const deadline = Date.now() + 20_000;
  for (;;) {
    last = await snapshot(dir);
    if (check(last)) return last;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; telemetry: ${JSON.stringify(last.telemetry)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function boot(dir: string): Promise<LandRun> {
  const run = land(['up', '--no-tui'], dir);
  runs.push(run);
  await run.waitFor(/t9: starting → ready/);
  return run;
}

/** What must hold however telemetry failed: everything ran, stopped with 0, left nothing, said nothing alarming. */
async function expectCleanStop(run: LandRun): Promise<void> {
  const exit = await run.stop();
  expect(exit.code).toBe(0);
  expect(run.stdout).toMatch(/every tier stopped/);
  expect(run.output).not.toMatch(/unhandled|Error:|\n\s+at /i);
  expect(run.output).not.toContain(KEY);
  expect(markedProcesses(run.bootId)).toEqual([]);
}

const HOST_FAULTS: Array<{ mode: ReceiverMode; title: string }> = [
  { mode: 'refuse', title: 'refuse the connection' },
  { mode: 'hang', title: 'accept and never answer' },
  { mode: '500', title: 'answer 500' },
  { mode: 'slow', title: 'answer after 4 s (beyond the request bound)' },
];

describe.concurrent('fault: telemetry hosts that fail', () => {
  for (const { mode, title } of HOST_FAULTS) {
    it(`PostHog and the collector ${title}: the stack runs, both pipes marked unavailable, the recording unaffected, a clean stop`, async () => {
      const posthog = await startPostHogReceiver({ mode, slowMs: 4_000 });
      const otlp = await startOtlpReceiver({ mode, slowMs: 4_000 });
      closers.push(() => posthog.close(), () => otlp.close());
      const dir = makeProject({
        config: { tiers: TIERS },
        files: {
          '.env.Land.PostHog': [`Authorize=${KEY}`, `Beam=${posthog.url}`, 'Capture=true', 'Report=true', 'OTLPEnabled=true', `OTLPEndpoint=${otlp.url}`, 'Record=1', ''].join('\n'),
        },
      });
      const run = await boot(dir);
      const snapshot = await statusUntil(
        dir,
        (s) => s.telemetry.posthog.state === 'unavailable' && s.telemetry.otlp.state === 'unavailable' && allReady(s),
        'both pipes to be marked unavailable, every tier ready',
      );
      expect(snapshot.telemetry.posthog.reason).toBeTruthy();
      expect(snapshot.telemetry.otlp.reason).toBeTruthy();
      expect(JSON.stringify(snapshot)).not.toContain(KEY);
      expect(snapshot.telemetry.record.state).toBe('on');
      if (mode !== 'refuse') {
        // The hosts really were asked (and failed to answer in a useful way).
        await waitFor(() => (posthog.requests.length > 0 ? true : undefined), 5_000, 'a PostHog request');
        await waitFor(() => (otlp.requests.length > 0 ? true : undefined), 5_000, 'an OTLP request');
      }
      // What `land status --json` tells the person, after the pipes gave up.
      const told = await status(dir);
      expect(told.telemetry.posthog.state).toBe('unavailable');
      expect(told.telemetry.otlp.state).toBe('unavailable');
      expect(told.tiers.every((tier) => tier.state === 'ready')).toBe(true);
      await expectCleanStop(run);
    });
  }

  it('the recording folder cannot be written (.land/telemetry is a file): the stack runs, the recording marked unavailable, a clean stop', async () => {
    const dir = makeProject({ config: { tiers: TIERS }, profiles: { debug: 'Record=1\n' }, files: { '.land/telemetry': 'not a folder\n' } });
    const run = await boot(dir);
    const snapshot = await statusUntil(dir, (s) => s.telemetry.record.state === 'unavailable' && allReady(s), 'the recording to be marked unavailable, every tier ready');
    expect(snapshot.telemetry.record.reason).toMatch(/cannot write/);
    expect(snapshot.telemetry.record.dropped).toBeGreaterThan(0);
    expect((await status(dir)).telemetry.record.state).toBe('unavailable');
    await expectCleanStop(run);
  });
});
