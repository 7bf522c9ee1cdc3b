// One measured run of one contender: launch the children, see them all connect, stop them and make sure nothing is
// left, whatever happened in between.
import { performance } from 'node:perf_hooks';
import { launch } from './contenders.mjs';
import { cpuTracker } from './own.mjs';
import { CHILD } from './paths.mjs';
import { cmdline, killAll, processTable, treeOf, waitGone } from './procs.mjs';

/** [{ name, argv }] for n fixture children reporting to the hub under token. */
export function fixtureChildren(hub, token, n, mode = 'idle', ...args) {
  return Array.from({ length: n }, (_, i) => ({
    name: `c${i}`,
    argv: [process.execPath, CHILD, String(hub.port), token, String(i), mode, ...args.map(String)],
  }));
}

/** Child and grandchild pids named in the hellos. */
export const fixturePids = (hellos) => hellos.flatMap((h) => [h.pid, h.grandchild].filter(Boolean));

/**
 * Launches n children under a contender and waits until all connected. Returns the run, the hellos, readyMs
 * (launch → last child connected) and cpuMs (CPU the tool's own processes had used by then). On failure,
 * everything is cleaned up and the error rethrown.
 */
export async function boot(hub, id, n, { mode = 'idle', args = [], options = {}, timeoutMs = 60_000 } = {}) {
  const token = hub.token();
  const run = launch(id, fixtureChildren(hub, token, n, mode, ...args), options);
  try {
    const hellos = await Promise.race([
      hub.waitFor(token, n, timeoutMs),
      run.exited.then(() => {
        // A tool that ends before its children are up has failed (a flood child may legitimately finish first).
        if (hub.seen(token).length < n) throw new Error(`${id} exited before all ${n} children connected`);
        return hub.waitFor(token, n, 1_000);
      }),
    ]);
    const readyAt = Math.max(...hellos.map((h) => h.at));
    // CPU the tool itself used to get there (less sensitive to a busy machine than the wall clock).
    const cpuMs = cpuTracker(run).sample() * 1000;
    return { run, token, hellos, readyMs: readyAt - run.launchedAt, cpuMs, pids: fixturePids(hellos) };
  } catch (error) {
    await finish(run, fixturePids(hub.seen(token)));
    hub.forget(token);
    throw error;
  }
}

/** The promise's value, or undefined once ms have passed; the timer never outlives the answer. */
function within(promise, ms) {
  let timer;
  const timeout = new Promise((resolve) => (timer = setTimeout(resolve, ms, undefined)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** How long processes may outlive the tool before they count as survivors. */
const GRACE_MS = 2_000;

/**
 * Sends the stop request and watches every child and grandchild vanish. Returns stopMs (request → last pid gone),
 * exitMs (request → the tool itself gone) and the survivors (still alive GRACE_MS after the tool is gone).
 */
export async function stopAndWatch(run, pids, { timeoutMs = 60_000 } = {}) {
  const requestedAt = await run.stop();
  const graceOver = run.exited.then(() => new Promise((r) => setTimeout(r, GRACE_MS)));
  // 5 ms: fine enough for shutdowns of hundreds of ms, light enough not to slow the tool being watched.
  const gone = waitGone(pids, { timeoutMs, pollMs: 5, until: graceOver });
  const exitedAt = await within(run.exited, timeoutMs);
  const { lastGoneAt, survivors } = await gone;
  return {
    stopMs: survivors.length === 0 ? lastGoneAt - requestedAt : null,
    exitMs: exitedAt === undefined ? null : exitedAt - requestedAt,
    survivors,
  };
}

/**
 * Stops the tool if it still runs, then removes whatever is left (processes, temp dir). fast: when the stop is not
 * being measured, SIGKILL the tool's tree and the fixtures instead of waiting for a graceful stop (some peers take
 * tens of seconds to stop 64 programs).
 */
export async function finish(run, pids = [], { timeoutMs = 20_000, fast = false } = {}) {
  if (fast) killAll(treeOf([...run.roots(), ...pids]));
  const stillUp = !fast && ((await within(run.exited.then(() => false), 10)) ?? true);
  if (stillUp) {
    try {
      await run.stop();
      await within(run.exited, timeoutMs);
    } catch {
      // Killed below.
    }
  }
  await run.close();
  const { survivors } = await waitGone(pids, { timeoutMs: 2_000, pollMs: 20 });
  killAll(survivors);
  await waitGone(survivors, { timeoutMs: 2_000, pollMs: 10 });
  return performance.now();
}

/**
 * The last safety net: kills every fixture child of this harness (told by its argv and token) and what is below
 * it. Returns how many processes it found: 0 after a clean run.
 */
export function killStrays() {
  const table = processTable();
  const mine = `r${process.pid}x`;
  const fixtures = table.map((p) => p.pid).filter((pid) => {
    const argv = cmdline(pid);
    return argv[1] === CHILD && argv[3]?.startsWith(mine);
  });
  const strays = treeOf(fixtures, table);
  killAll(strays);
  return strays.length;
}
