/**
 * A land whose stderr is systemd's journal (a `land startup` unit) does not write the dashboard's login token
 * there: systemd's JOURNAL_STREAM names the stream's `<device>:<inode>`, which land compares with its stderr. Here
 * stderr is a file and JOURNAL_STREAM names that file, as systemd names its socket; `land dashboard` still prints the
 * URL. With a JOURNAL_STREAM that names another stream (a child that redirected its output), the line is as before.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { child, LAND_BIN, landDone, makeProject, removeProjects, waitUntil } from '../helpers/land.js';

const started: ChildProcess[] = [];
afterAll(async () => {
  for (const proc of started) if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
  await Promise.all(started.map((proc) => (proc.exitCode === null && proc.signalCode === null ? new Promise((done) => proc.once('exit', done)) : undefined)));
  removeProjects();
});

/** `land up` with stderr on a file; JOURNAL_STREAM names that file, or (`other`) a stream that is not it. */
async function upWithStderrFile(other: boolean): Promise<{ project: string; stderr: () => string; stop: () => Promise<unknown> }> {
  const project = makeProject({ config: { app: 'shop', tiers: { a: { command: child() } } } });
  const file = join(project, 'stderr.log');
  const fd = openSync(file, 'w');
  const stat = fstatSync(fd, { bigint: true });
  const stream = other ? `${stat.dev}:${stat.ino + 1n}` : `${stat.dev}:${stat.ino}`;
  const proc = spawn(process.execPath, [LAND_BIN, 'up', '--no-tui'], { cwd: project, env: { ...process.env, NO_COLOR: '1', JOURNAL_STREAM: stream }, stdio: ['ignore', 'ignore', fd] });
  closeSync(fd);
  started.push(proc);
  const exited = new Promise((done) => proc.once('exit', done));
  const stderr = () => readFileSync(file, 'utf8');
  await waitUntil(() => stderr().includes('land: dashboard on'), 20_000, 'the dashboard line');
  return { project, stderr, stop: () => (proc.kill('SIGTERM'), exited) };
}

describe('the journal gets no token', () => {
  it('stderr is the journal: the dashboard line names the address, not the login URL; land dashboard prints it', async () => {
    const { project, stderr, stop } = await upWithStderrFile(false);
    expect(stderr()).toMatch(/^land: dashboard on http:\/\/127\.0\.0\.1:\d+ \(its login URL is not written to the journal: `land dashboard` prints it\)$/m);
    expect(stderr()).not.toContain('token=');
    const printed = await landDone(['dashboard', '--print'], project);
    expect(printed.stdout).toMatch(/http:\/\/127\.0\.0\.1:\d+\/login\?token=\S+/);
    await stop();
  });

  it('JOURNAL_STREAM naming another stream: the login URL is said as always', async () => {
    const { stderr, stop } = await upWithStderrFile(true);
    expect(stderr()).toMatch(/^land: dashboard on http:\/\/127\.0\.0\.1:\d+\/login\?token=\S+$/m);
    await stop();
  });
});
