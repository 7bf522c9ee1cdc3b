/**
 * Output without a newline (a prompt, a progress bar, a child hung mid-line) is seen while the child runs: in the log
 * file byte for byte, in the printed output, `land logs`, `land logs -f` and status; and the file holds exactly what
 * the child wrote once the line goes on and ends.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { child, land, landDone, makeProject, markedProcesses, removeProjects, waitUntil, type LandRun } from '../helpers/land.js';
import { cleanUp } from '../control/helpers.js';
import { snapshot } from '../faults/support.js';

const runs: LandRun[] = [];
// The tests run side by side: one clean-up after all of them, which an afterEach would do to the others' stacks.
// After-hooks run in reverse: the stacks stop, then the projects go.
afterAll(removeProjects);
afterAll(() => cleanUp(runs));

/** The log file is written after the line is printed (its own stream): wait until it has the tier's last line. */
const fileEndsWith = (path: string, end: string) => waitUntil(() => (read(path) ?? '').endsWith(end), 30_000, `${path} to end with ${JSON.stringify(end)}`);

/** The lines a tier's output was printed as, without their head. */
const printedBy = (run: LandRun, tier: string) =>
  run.stdout
    .split('\n')
    .filter((line) => line.startsWith(`${tier.padEnd('mountain'.length)} | `))
    .map((line) => line.slice('mountain | '.length));

const read = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : undefined);

// Side by side (vitest runs consecutive concurrent suites together): each test has its own project and stack.
describe.concurrent('output without a newline', () => {
  it('a prompt left without its newline is in the printed output, land logs (-f), status and a log probe while the child waits; the log file gets each line whole, never another line inside it', async () => {
    const dir = makeProject({
      config: {
        tiers: {
          // Ready by its prompt: a readiness probe by log line sees the fragment.
          prompt: { command: child('--partial', 'Password: ', '--rest-after', 'go'), ready: { log: 'Password: ' }, restart: { policy: 'never' } },
          // Progress written in pieces, then the newline alone: no empty line is shown for it. Pauses of 1.5 s: land
          // hands a fragment on after 100 ms of quiet, so a loaded machine still sees each one apart.
          progress: {
            command: ['sh', '-c', 'printf "progress 0%% "; sleep 1.5; printf "progress 50%% "; sleep 1.5; printf "\\n"; echo bar done; exec sleep 300'],
            restart: { policy: 'never' },
          },
          // A probe anchored at the line's end passes on the whole line, not on a fragment's text with its mark.
          anchored: { command: ['sh', '-c', 'sleep 1; printf ready; sleep 0.5; echo; exec sleep 300'], ready: { log: '^ready$' }, restart: { policy: 'never' } },
          // A line that goes on in pieces and never ends: status and land logs show it so far, joined.
          dots: { command: ['sh', '-c', 'printf "step 1 "; sleep 1; printf "step 2 "; exec sleep 300'], restart: { policy: 'never' } },
          // A line of the other pipe written while this one waits for its end is not written into it in the file.
          mixed: {
            command: ['sh', '-c', 'printf "Loading... "; sleep 1; echo "warn: x" >&2; sleep 1; echo done; exec sleep 300'],
            restart: { policy: 'never' },
          },
        },
      },
    });
    const run = land(['up', '--no-tui'], dir);
    runs.push(run);
    await run.waitFor(/prompt +\| Password: …\n/);
    await run.waitFor(/prompt: starting → ready \(log Password: +passed\)/);
    const file = join(dir, '.land', 'logs', run.bootId, 'prompt.log');
    // The file gets the line whole when it ends (or when the pipe closes): the views show it meanwhile.
    expect(read(file) ?? '').toBe('');
    expect((await snapshot(dir)).tiers.find((tier) => tier.name === 'prompt')!.lastLine).toBe('Password: …');
    expect((await landDone(['logs', 'prompt'], dir)).stdout).toBe('Password: …\n');
    const record = JSON.parse((await landDone(['logs', 'prompt', '--json'], dir)).stdout) as { line: string; cut?: string };
    expect(record).toMatchObject({ line: 'Password: …', cut: 'first' });
    const follow = land(['logs', 'prompt', '-f'], dir);
    runs.push(follow);
    await follow.waitFor(/^Password: …$/m);

    writeFileSync(join(dir, 'go'), '');
    await run.waitFor(/prompt +\| partial done\n/);
    await follow.waitFor(/^partial done$/m);
    expect(follow.stdout).toBe('Password: …\n… and the rest\npartial done\n');
    expect(printedBy(run, 'prompt')).toEqual(['Password: …', '… and the rest', 'partial done']);
    await fileEndsWith(file, 'partial done\n');
    expect(read(file)).toBe('Password:  and the rest\npartial done\n');
    // land logs (which holds lines, unlike the printer and -f) joins the rest to the fragment in place.
    expect((await landDone(['logs', 'prompt'], dir)).stdout).toBe('Password:  and the rest\npartial done\n');
    const joined = (await landDone(['logs', 'prompt', '--json'], dir)).stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as { line: string; cut?: string });
    expect(joined.map(({ line, cut }) => ({ line, cut }))).toEqual([{ line: 'Password:  and the rest', cut: undefined }, { line: 'partial done', cut: undefined }]);

    await run.waitFor(/progress +\| bar done\n/);
    expect(printedBy(run, 'progress')).toEqual(['progress 0% …', '…progress 50% …', 'bar done']);
    await fileEndsWith(join(dir, '.land', 'logs', run.bootId, 'progress.log'), 'bar done\n');
    expect(read(join(dir, '.land', 'logs', run.bootId, 'progress.log'))).toBe('progress 0% progress 50% \nbar done\n');
    // Joined, and its mark gone once the next line showed it had ended (its newline came alone).
    expect((await landDone(['logs', 'progress'], dir)).stdout).toBe('progress 0% progress 50% \nbar done\n');
    // Still going on: the line so far, joined, in status (the UI's and the dashboard's last-line cell) and land logs.
    const dotsLine = async () => (await snapshot(dir)).tiers.find((tier) => tier.name === 'dots')!.lastLine;
    for (const deadline = Date.now() + 20_000; (await dotsLine()) !== 'step 1 step 2 …' && Date.now() < deadline; ) await sleep(100);
    expect(await dotsLine()).toBe('step 1 step 2 …');
    expect((await landDone(['logs', 'dots', '--json'], dir)).stdout).toMatch(/^\{"tier":"dots","stream":"stdout","line":"step 1 step 2 …","at":\d+,"cut":"first"\}\n$/);
    await run.waitFor(/anchored: starting → ready \(log \^ready\$ passed\)/);
    const tiers = (await snapshot(dir)).tiers;
    // Once the line has ended, status shows it whole, without the mark that said it goes on.
    expect(tiers.find((tier) => tier.name === 'anchored')!.lastLine).toBe('ready');
    expect(tiers.find((tier) => tier.name === 'prompt')!.lastLine).toBe('partial done');
    await run.waitFor(/mixed +\| …done\n/);
    expect(printedBy(run, 'mixed')).toEqual(['Loading... …', 'warn: x', '…done']);
    await fileEndsWith(join(dir, '.land', 'logs', run.bootId, 'mixed.log'), 'done\n');
    expect(read(join(dir, '.land', 'logs', run.bootId, 'mixed.log'))).toBe('warn: x\nLoading... done\n');
    expect((await run.stop()).code).toBe(0);
    expect((await follow.exited).code).toBe(0);
    expect(markedProcesses(run.bootId)).toEqual([]);
  }, 60_000);

  it('a log that rotates between short lines shown in quiet fragments: every file holds whole lines, and land logs after the stop shows each line whole', async () => {
    const dir = makeProject({
      config: {
        logs: { rotateBytes: 4096, keepFiles: 3 },
        tiers: {
          // Twelve lines of 1 KB, each written in two parts 0.3 s apart (shown as two fragments): about two rotations.
          halves: {
            command: ['sh', '-c', `for i in 1 2 3 4 5 6 7 8 9 10 11 12; do printf "$i ${'x'.repeat(1000)}"; sleep 0.3; echo " end"; done; echo halves done; exec sleep 300`],
            restart: { policy: 'never' },
          },
        },
      },
    });
    const run = land(['up', '--no-tui'], dir);
    runs.push(run);
    await run.waitFor(/halves +\| halves done\n/, 30_000);
    expect((await run.stop()).code).toBe(0);
    expect(run.output).not.toMatch(/outgrew/);
    const line = (i: number) => `${i} ${'x'.repeat(1000)} end`;
    const folder = join(dir, '.land', 'logs', run.bootId);
    const files = ['halves.log.2', 'halves.log.1', 'halves.log'].map((name) => read(join(folder, name)));
    expect(files.every((text) => text !== undefined && text.endsWith('\n'))).toBe(true);
    const lines = files.flatMap((text) => text!.split('\n').slice(0, -1));
    expect(lines).toEqual([...Array.from({ length: 12 }, (_, i) => line(i + 1)), 'halves done']);
    expect((await landDone(['logs', 'halves'], dir)).stdout.trimEnd().split('\n').slice(-3)).toEqual([line(11), line(12), 'halves done']);
  }, 60_000);
});
