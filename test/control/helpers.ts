/** Helpers for driving a running stack through the real CLI clients. */
import type { StackSnapshot, TierSnapshot } from '../../src/supervisor/types.js';
import { projectRoot, socketPath } from '../../src/control/paths.js';
import { landDone, markedProcesses, waitUntil, type LandRun } from '../helpers/land.js';

export async function status(dir: string): Promise<StackSnapshot> {
  const result = await landDone(['status', '--json'], dir);
  if (result.code !== 0) throw new Error(`land status exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as StackSnapshot;
}

export function tierOf(snapshot: StackSnapshot, name: string): TierSnapshot {
  const tier = snapshot.tiers.find((candidate) => candidate.name === name);
  if (!tier) throw new Error(`no tier ${name} in ${JSON.stringify(snapshot.tiers.map((t) => t.name))}`);
  return tier;
}

/**
 * The stack's snapshot from its control socket, found as `land status` finds it from `dir` (what `land status --json`
 * prints, without a CLI process per look); undefined while nothing listens there yet (a land just spawned).
 */
export async function socketSnapshot(dir: string): Promise<StackSnapshot | undefined> {
  let answer: Awaited<ReturnType<typeof http>>;
  try {
    answer = await http({ socketPath: socketPath(projectRoot(undefined, dir)) }, '/status');
  } catch (error) {
    if (['ENOENT', 'ECONNREFUSED'].includes((error as NodeJS.ErrnoException).code ?? '')) return undefined;
    throw error;
  }
  if (answer.status !== 200) throw new Error(`/status answered ${answer.status}: ${answer.body}`);
  return JSON.parse(answer.body) as StackSnapshot;
}

/**
 * Polls the stack's snapshot until the tier satisfies the check. A land just spawned may not have its socket yet:
 * that is waited out too, within the same deadline. It reads the control socket, not `land status --json` (a node
 * start, ~0.2 s of CPU, per poll): what the CLI prints of the snapshot is `status`'s to check.
 */
export async function waitForTier(dir: string, name: string, check: (tier: TierSnapshot) => boolean, what: string): Promise<TierSnapshot> {
  let last: TierSnapshot | undefined;
  const deadline = Date.now() + 20_000;
  for (;;) {
    const snapshot = await socketSnapshot(dir);
    if (snapshot === undefined) {
      if (last !== undefined || Date.now() > deadline) throw new Error(`no stack answered in ${dir} while waiting for ${name} to be ${what}`);
    } else {
      last = tierOf(snapshot, name);
      if (check(last)) return last;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${name} to be ${what}; last: ${JSON.stringify(last)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus text exposition format → samples; throws on a line that is neither a comment nor a sample. */
export function parseProm(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const type = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      types.set(type[1]!, type[2]!);
      continue;
    }
    if (line.startsWith('# HELP ')) continue;
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: \d+)?$/.exec(line);
    if (!sample) throw new Error(`not Prometheus text: ${line}`);
    const labels: Record<string, string> = {};
    for (const match of (sample[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[match[1]!] = match[2]!;
    const value = sample[3] === '+Inf' ? Infinity : sample[3] === '-Inf' ? -Infinity : Number(sample[3]);
    if (Number.isNaN(value) && sample[3] !== 'NaN') throw new Error(`bad value in: ${line}`);
    samples.push({ name: sample[1]!, labels, value });
  }
  return { samples, types };
}

export function sampleValue(samples: Sample[], name: string, labels: Record<string, string>): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

export { waitUntil };

/** A raw GET/POST (not through land's own client), over the socket or TCP. */
export function http(
  target: { socketPath: string } | { port: number },
  path: string,
  options: { method?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  return import('node:http').then(
    ({ request }) =>
      new Promise((resolve, reject) => {
        const where = 'socketPath' in target ? { socketPath: target.socketPath } : { host: '127.0.0.1', port: target.port };
        const req = request({ ...where, path, method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
        });
        req.on('error', reject);
        req.end();
      }),
  );
}

/** After a test: stop each land gracefully, then kill anything its boot left (a land the test SIGKILLed). */
export async function cleanUp(runs: LandRun[]): Promise<void> {
  const stopped = runs.splice(0);
  await Promise.all(stopped.map((run) => run.stop('SIGINT')));
  for (const run of stopped) {
    const boot = /boot (\S+) ·/.exec(run.stdout)?.[1];
    for (const pid of boot ? markedProcesses(boot) : []) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone meanwhile.
      }
    }
  }
}
