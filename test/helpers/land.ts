/** Running the real `land` CLI in a throwaway project, and checking what it left behind. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'vitest';

export const ROOT = resolve(import.meta.dirname, '../..');
export const LAND_BIN = join(ROOT, 'bin', 'land.js');
export const CHILD = join(ROOT, 'test', 'fixtures', 'child.mjs');

/** argv for the fixture child. */
export const child = (...args: Array<string | number>) => ['node', CHILD, ...args.map(String)];

export interface ProjectFiles {
  /** The config object, written as `export default <json>` into land.config.mjs. */
  config: Record<string, unknown>;
  profiles?: Record<string, string>;
  files?: Record<string, string>;
}

const projects: string[] = [];

export function makeProject({ config, profiles = { debug: '' }, files = {} }: ProjectFiles): string {
  const dir = mkdtempSync(join(tmpdir(), 'land-test-'));
  projects.push(dir);
  writeFileSync(join(dir, 'land.config.mjs'), `export default ${JSON.stringify(config, null, 2)};\n`);
  mkdirSync(join(dir, 'profiles'), { recursive: true });
  for (const [name, text] of Object.entries(profiles)) writeFileSync(join(dir, 'profiles', `${name}.env`), text);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(resolve(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

export function removeProjects(): void {
  for (const dir of projects.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Every land started by a test, so a test that fails half-way still leaves nothing running (test/setup.ts). */
const started = new Set<LandRun>();

export class LandRun {
  readonly proc: ChildProcess;
  readonly exited: Promise<Exit>;
  #stdout = '';
  #stderr = '';
  /** stdout then stderr, joined once per change: a poll that finds nothing new copies nothing (a flood is MBs). */
  #joined: string | undefined;

  // Accessors, so that every change (some tests take over the pipes' listeners and append themselves) drops the join.
  get stdout(): string {
    return this.#stdout;
  }
  set stdout(text: string) {
    this.#stdout = text;
    this.#joined = undefined;
  }
  get stderr(): string {
    return this.#stderr;
  }
  set stderr(text: string) {
    this.#stderr = text;
    this.#joined = undefined;
  }

  /** `launcher`: a command that execs land (`setpriv …` to run it as another user). */
  constructor(args: string[], options: { cwd: string; env?: Record<string, string | undefined>; launcher?: string[] }) {
    const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', ...options.env };
    for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
    const [file, ...launch] = [...(options.launcher ?? []), process.execPath, LAND_BIN, ...args];
    this.proc = spawn(file!, launch, { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc.stdout!.setEncoding('utf8').on('data', (text: string) => (this.stdout += text));
    this.proc.stderr!.setEncoding('utf8').on('data', (text: string) => (this.stderr += text));
    this.exited = new Promise((done) => this.proc.once('close', (code, signal) => done({ code, signal })));
    started.add(this);
    void this.exited.then(() => started.delete(this));
  }

  get output(): string {
    this.#joined ??= this.#stdout + this.#stderr;
    return this.#joined;
  }

  get bootId(): string {
    const match = /boot (\S+) ·/.exec(this.stdout);
    if (!match) throw new Error(`no boot id in output:\n${this.output}`);
    return match[1]!;
  }

  async waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    // The whole output is searched (a match may span what came before), but only when it has changed since the last
    // search: the same text gives the same answer.
    let searched: string | undefined;
    for (;;) {
      const text = this.output;
      if (text !== searched) {
        searched = text;
        const match = pattern.exec(text);
        if (match) return match;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; output:\n${this.output}`);
      if (this.proc.exitCode !== null) {
        await sleep(50);
        const late = pattern.exec(this.output);
        if (late) return late;
        throw new Error(`land exited (${this.proc.exitCode}) before ${pattern}; output:\n${this.output}`);
      }
      await sleep(25);
    }
  }

  signal(signal: NodeJS.Signals): void {
    this.proc.kill(signal);
  }

  /** Ctrl-C and wait for land to exit. */
  async stop(signal: NodeJS.Signals = 'SIGINT'): Promise<Exit> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.signal(signal);
    return this.exited;
  }
}

export function land(args: string[], cwd: string, env?: Record<string, string | undefined>): LandRun {
  return new LandRun(args, { cwd, env });
}

/** Run land to completion (for commands that exit by themselves). */
export async function landDone(args: string[], cwd: string, env?: Record<string, string | undefined>) {
  const run = land(args, cwd, env);
  const exit = await run.exited;
  return { ...exit, stdout: run.stdout, stderr: run.stderr };
}

/** Alive and not a zombie (pid 1 here does not reap orphans, so a dead orphan stays a zombie). */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** Pids of every live process whose environment carries this boot's mark. */
export function markedProcesses(bootId: string): number[] {
  const needle = `LAND_BOOT_ID=${bootId}\0`;
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => {
      try {
        return `${readFileSync(`/proc/${pid}/environ`, 'latin1')}\0`.includes(needle);
      } catch {
        return false;
      }
    });
}

/**
 * The guardian of the land with this pid (src/cli/guardian.ts): its child `sh` whose `$0` is land-guardian, while
 * it waits; undefined before land has claimed its folder (up.ts) and once it is gone.
 */
export function guardianOf(landPid: number): number | undefined {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      if (argv[3] === 'land-guardian' && argv[7] === String(landPid) && isAlive(Number(name))) return Number(name);
    } catch {
      // Gone meanwhile.
    }
  }
  return undefined;
}

/** Waits for the land's guardian to have started; its pid. */
export async function guardianStarted(landPid: number): Promise<number> {
  let pid: number | undefined;
  await waitUntil(() => (pid = guardianOf(landPid)) !== undefined, 20_000, `the guardian of land ${landPid}`);
  return pid!;
}

/**
 * SIGKILL of land's guardian first, then of land: what a land killed with its guardian leaves (both killed at once:
 * `kill -9 -1`, a container's end), for the tests of what the next `land up`, `land status` and `land down` do then.
 */
export async function killLandAndGuardian(run: LandRun): Promise<void> {
  process.kill(await guardianStarted(run.proc.pid!), 'SIGKILL');
  run.signal('SIGKILL');
  await run.exited;
}

/** Pids written by fixture children with --pidfile <dir>, still alive. */
export function survivorsIn(dir: string): number[] {
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.map(Number).filter(isAlive);
}

export async function waitUntil(check: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** Env reports written by fixture children with --report-env <dir>: one object per start, oldest first. */
export function envReports(dir: string, tier?: string): Array<Record<string, string>> {
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((name) => name.endsWith('.json') && (tier === undefined || name.startsWith(`${tier}-`)))
    .map((name) => join(dir, name))
    .sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs)
    .map((file) => JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>);
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Stop every land a test left running: Ctrl-C, then SIGKILL for land and anything carrying its boot mark. */
export async function stopLeftoverLands(): Promise<void> {
  await Promise.all(
    [...started].map(async (run) => {
      run.signal('SIGINT');
      const gone = await Promise.race([run.exited.then(() => true), sleep(10_000).then(() => false)]);
      if (gone) return;
      run.signal('SIGKILL');
      const boot = /boot (\S+) ·/.exec(run.stdout)?.[1];
      if (boot) for (const pid of markedProcesses(boot)) process.kill(pid, 'SIGKILL');
      await run.exited;
    }),
  );
}

/** Bad input, handled as promised: exit code, one `land:` line matching `expected`, nothing on stdout, nothing started. */
export function expectCleanRejection(
  result: { code: number | null; stdout: string; stderr: string },
  dir: string,
  expected: RegExp,
  code = 2,
): void {
  expect(result.code).toBe(code);
  expect(result.stdout).toBe('');
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^land: /);
  expect(lines[0]).toMatch(expected);
  expect(existsSync(join(dir, 'started.flag'))).toBe(false);
  expect(existsSync(join(dir, '.land', 'logs'))).toBe(false);
}
