/** What the fault tests share beyond test/helpers: the fault fixture, the recording, a land's memory. */
import { readFileSync } from 'node:fs';
import { request, type RequestOptions } from 'node:http';
import { connect, type NetConnectOpts } from 'node:net';
import { join } from 'node:path';
import type { StackSnapshot, TierSnapshot } from '../../src/supervisor/types.js';
import { http, tierOf } from '../control/helpers.js';
import { land, LandRun, ROOT } from '../helpers/land.js';

export const FAULT_CHILD = join(ROOT, 'test', 'fixtures', 'fault-child.mjs');

/** argv for the misbehaving fixture child. */
export const faultChild = (...args: Array<string | number>) => ['node', FAULT_CHILD, ...args.map(String)];

/** A profile that turns the local NDJSON recording on (Record=1) and nothing else. */
export const RECORD_PROFILE = { debug: 'Record=1\n' };

export interface RecordedEvent {
  event: string;
  properties: Record<string, unknown>;
}

/** Events of a boot as land recorded them under .land/telemetry/<boot>/events.ndjson. */
export function recordedEvents(dir: string, bootId: string): RecordedEvent[] {
  let text = '';
  try {
    text = readFileSync(join(dir, '.land', 'telemetry', bootId, 'events.ndjson'), 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as RecordedEvent);
}

/** A field of /proc/<pid>/status in kB (VmHWM: the resident peak, VmRSS: resident now). */
export function procStatusKb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no ${field} for pid ${pid}`);
  return Number(match[1]);
}

/** A tier that costs next to nothing: says `<name> up`, then sleeps until stopped. */
export const sleeper = (name: string) => ({ command: ['sh', '-c', `echo ${name} up; exec sleep 300`], ready: { log: `${name} up` } });

/**
 * The stack's snapshot straight from the control socket: what `land status --json` prints, without a CLI process
 * per look (the tests use the real CLI where the CLI is the point).
 */
export async function snapshot(dir: string): Promise<StackSnapshot> {
  const answer = await http({ socketPath: join(dir, '.land', 'run', 'land.sock') }, '/status');
  if (answer.status !== 200) throw new Error(`/status answered ${answer.status}: ${answer.body}`);
  return JSON.parse(answer.body) as StackSnapshot;
}

/** Polls the snapshot until `check` holds for the named tier. */
export async function tierWhen(dir: string, name: string, check: (tier: TierSnapshot) => boolean, what: string, timeoutMs = 30_000): Promise<TierSnapshot> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // The socket's file is there a moment before it listens (a bind, then a listen): refused until then.
    const read = await snapshot(dir).catch((error: NodeJS.ErrnoException) => {
      if ((error.code === 'ECONNREFUSED' || error.code === 'ENOENT') && Date.now() < deadline) return undefined;
      throw error;
    });
    if (read === undefined) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      continue;
    }
    const tier = tierOf(read, name);
    if (check(tier)) return tier;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${name} to be ${what}; last: ${JSON.stringify(tier)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** `land up --no-tui` in `dir`, kept in `runs` for the clean-up, once its output matches `pattern`. */
export async function upUntil(runs: LandRun[], dir: string, pattern: RegExp): Promise<LandRun> {
  const run = land(['up', '--no-tui'], dir);
  runs.push(run);
  await run.waitFor(pattern);
  return run;
}

/** Writes raw bytes to a server; resolves with whatever came back once the connection closed. */
export function rawBytes(target: NetConnectOpts, bytes: string | Buffer, options: { destroyAfterWrite?: boolean } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(target);
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => (answer += text));
    socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? resolve(answer) : reject(error)));
    socket.on('close', () => resolve(answer));
    socket.on('connect', () => {
      socket.write(bytes);
      if (options.destroyAfterWrite) socket.destroy();
    });
  });
}

/** Opens a streaming answer and hangs up once its first bytes arrived; resolves with its status. */
export function hangUpMidStream(options: RequestOptions): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const req = request({ ...options, agent: false }, (res) => {
      res.once('data', () => {
        req.destroy();
        resolve(res.statusCode);
      });
    });
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? resolve(undefined) : reject(error)));
    req.end();
  });
}

/** The user nobody's uid: the as-nobody tests run land with setpriv. */
export const NOBODY = 65534;

/** The real CLI run as the user nobody (setpriv), in a project nobody owns. */
export const asNobody = (args: string[], cwd: string, env: Record<string, string> = {}) =>
  new LandRun(args, { cwd, env: { HOME: cwd, ...env }, launcher: ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups'] });

/** A command that must end: fails the test (instead of hanging it) after `ms`. */
export async function endsWithin<T>(what: string, promise: Promise<T>, ms = 20_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not end within ${ms} ms`)), ms)));
  try {
    return await Promise.race([promise, hang]);
  } finally {
    clearTimeout(timer);
  }
}
