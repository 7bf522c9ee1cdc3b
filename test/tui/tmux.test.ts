/** The real `land up` with its terminal UI inside tmux: read the screen with capture-pane, type with send-keys. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { LAND_BIN, child, makeProject, removeProjects, survivorsIn } from '../helpers/land.js';
import { tmuxServer } from '../helpers/tmux.js';

const SESSION = 'ui';
const tmux = tmuxServer('test');

afterAll(() => {
  tmux.kill();
  removeProjects();
});

const waitForScreen = (check: (text: string) => boolean, what: string, session = SESSION) => tmux.waitForScreen(session, check, what);

/** The row of a tier: name, state, pid, uptime, restarts (no TIER column: every tier's equals its name). */
function row(text: string, name: string): { state: string; pid: string; restarts: string } | undefined {
  const line = text.split('\n').find((candidate) => new RegExp(`^[› ] ${name} `).test(candidate));
  if (!line) return undefined;
  const [, state, pid, , restarts] = line.slice(2).trim().split(/\s+/);
  return { state: state!, pid: pid!, restarts: restarts! };
}

/** A process's state letter from /proc (T: stopped). */
const procState = (pid: number | string): string => / \S+\) (\S)/.exec(readFileSync(`/proc/${pid}/stat`, 'utf8'))![1]!;

// Each test has a tmux session, a project and a land of its own, and most of its time is waiting on land's screen:
// they run side by side, but for the log flood's, whose row must be caught mid-flood (1.5 s): it runs first, alone.
describe('the terminal UI in a real terminal', () => {
  it("under a log flood the rows show each tier's newest line, rewritten in place, and a wide one after it", async () => {
    // 3 000 lines of changing lengths in 1.5 s, then a last short one, then one in characters two columns wide.
    const flood = [
      'let i = 0;',
      'const timer = setInterval(() => {',
      "  for (let k = 0; k < 20; k += 1) { i += 1; process.stdout.write(`line ${i} ${'x'.repeat((i * 7) % 30)}\\n`); }",
      "  if (i >= 3000) { clearInterval(timer); process.stdout.write('done: 3000 lines\\n'); setTimeout(() => process.stdout.write('終わり: wide\\n'), 1500); }",
      '}, 10);',
      'setInterval(() => {}, 1 << 30);',
    ].join('\n');
    const dir = makeProject({
      config: { app: 'floodtest', tiers: { calm: { command: child('--say', 'calm says hello') }, flood: { command: ['node', 'flood.mjs'] } } },
      files: { 'flood.mjs': flood },
    });
    tmux('new-session', '-d', '-s', 'flood', '-x', '100', '-y', '30', `cd ${dir} && node ${LAND_BIN} up; echo LAND-EXITED $?; sleep 120`);
    const floodRow = (t: string) => t.split('\n').find((line) => /^[› ] flood /.test(line)) ?? '';
    const rowsOnce = (t: string) => t.split('\n').filter((line) => /^[› ] (calm|flood) /.test(line)).length === 2 && t.split('\n').filter((line) => /floodtest/.test(line)).length === 1;
    const until = (check: (t: string) => boolean, what: string) => tmux.waitForScreen('flood', check, what, 50);
    // Mid-flood: a whole line (its number, then as many x as it has) where the row's last column is.
    let text = await until((t) => /line \d+ /.test(floodRow(t)), 'a flood line in the row');
    const [, number, xs] = /line (\d+) (x*)\s*$/.exec(floodRow(text)) ?? [floodRow(text)];
    expect(xs!.length, floodRow(text)).toBe((Number(number) * 7) % 30);
    expect(rowsOnce(text)).toBe(true);
    // The last short line leaves nothing of the longer ones before it; the calm row is untouched.
    text = await until((t) => / done: 3000 lines$/.test(floodRow(t)), 'the last line alone in the row');
    expect(rowsOnce(text)).toBe(true);
    expect(text).toMatch(/calm says hello/);
    text = await until((t) => / 終わり: wide/.test(floodRow(t)), 'the wide line in the row');
    expect(rowsOnce(text)).toBe(true);
    tmux('send-keys', '-t', 'flood', 'q');
    expect(await until((t) => /LAND-EXITED \d+/.test(t), 'land to exit')).toMatch(/LAND-EXITED 0/);
  });

  it.concurrent('shows tiers ready, restarts one on r, opens its logs on Enter, quits on q and restores the terminal', async () => {
    const project = makeProject({ config: { tiers: {} } });
    const pids = join(project, 'pids');
    const dir = makeProject({
      config: {
        app: 'uitest',
        tiers: {
          alpha: { command: child('--say', 'alpha says hello', '--pidfile', pids) },
          beta: { command: child('--say', 'beta says hello', '--pidfile', pids, '--grandchildren', 1), dependsOn: { alpha: 'ready' } },
          gamma: { command: child('--say', 'gamma is gated'), gate: 'Spawn' },
        },
      },
      profiles: { debug: 'Spawn=false\n' },
    });
    const script = `cd ${dir} && env -u Spawn -u Render node ${LAND_BIN} up; echo LAND-EXITED $?; stty -a | grep -o -- '-*icanon' | head -1 | sed 's/^/MODE=/'; sleep 120`;
    // CI=true as on a build server: land must still draw live frames (see src/tui/load.ts); DEV=true, which makes
    // ink load React's devtools (not shipped): the UI must come up all the same.
    tmux('new-session', '-d', '-s', SESSION, '-x', '100', '-y', '30', '-e', 'CI=true', '-e', 'DEV=true', script);

    let text = await waitForScreen((t) => row(t, 'alpha')?.state === 'ready' && row(t, 'beta')?.state === 'ready', 'both tiers ready');
    expect(text).toMatch(/uitest/);
    expect(row(text, 'gamma')?.state).toBe('disabled');
    expect(text).toMatch(/Spawn=false/);
    const before = row(text, 'beta')!;
    expect(before.restarts).toBe('0');

    // Idle, the uptimes move on by their cells being rewritten in place (src/tui/live-cells.ts): the screen still
    // reads as a whole frame, each row once, the header's uptime and the rows' moving together.
    const seconds = (uptime: string | undefined) => {
      const [, value, unit] = /^(\d+(?:\.\d)?)(ms|s)$/.exec(uptime ?? '') ?? [];
      return unit === 'ms' ? Number(value) / 1000 : Number(value);
    };
    const headerUp = (t: string) => seconds(/· up (\S+)\s*$/m.exec(t)?.[1]);
    const alphaUp = (t: string) => seconds(t.split('\n').find((line) => /^[› ] alpha /.test(line))?.slice(2).trim().split(/\s+/)[3]);
    const [header0, alpha0] = [headerUp(text), alphaUp(text)];
    text = await waitForScreen((t) => headerUp(t) >= header0 + 2 && alphaUp(t) >= alpha0 + 2, 'the uptimes to move on');
    expect(text.split('\n').filter((line) => /^[› ] (alpha|beta|gamma) /.test(line))).toHaveLength(3);
    expect(text.split('\n').filter((line) => /uitest/.test(line))).toHaveLength(1);

    tmux('send-keys', '-t', SESSION, 'j');
    await waitForScreen((t) => /^› beta /m.test(t), 'beta selected');
    tmux('send-keys', '-t', SESSION, 'r');
    text = await waitForScreen(
      (t) => row(t, 'beta')?.restarts === '1' && row(t, 'beta')?.state === 'ready' && row(t, 'beta')?.pid !== before.pid,
      'beta restarted with a new pid',
    );
    expect(Number(row(text, 'beta')!.pid)).toBeGreaterThan(0);

    tmux('send-keys', '-t', SESSION, 'Enter');
    text = await waitForScreen((t) => /beta logs/.test(t) && /beta says hello/.test(t), 'the log pane of beta');

    // Every tier's output merged, then searched: / types the query, Enter goes to the newest match, n to older ones.
    tmux('send-keys', '-t', SESSION, 'a');
    // beta says hello twice (it restarted): its ready (no probe) can come before the new process's line is relayed.
    text = await waitForScreen(
      (t) => /── all tiers/.test(t) && /alpha +│ alpha says hello/.test(t) && (t.match(/beta +│ beta says hello/g) ?? []).length >= 2,
      'the merged view with both of beta\'s lines',
    );
    // These keys one at a time, each once the one before it was read.
    tmux('send-keys', '-t', SESSION, '/');
    await waitForScreen((t) => /\/▏/.test(t), 'the search prompt opened');
    tmux('send-keys', '-t', SESSION, '-l', 'says hello');
    await waitForScreen((t) => /\/says hello▏/.test(t), 'the search prompt');
    tmux('send-keys', '-t', SESSION, 'Enter');
    text = await waitForScreen((t) => /match \d+ of \d+ for "says hello"/.test(t), 'the newest match');
    const [, newest, total] = /match (\d+) of (\d+)/.exec(text)!;
    expect(newest).toBe(total);
    expect(Number(total)).toBeGreaterThanOrEqual(3); // alpha once, beta twice (it restarted)
    tmux('send-keys', '-t', SESSION, 'n');
    await waitForScreen((t) => new RegExp(`match ${Number(total) - 1} of ${total}`).test(t), 'an older match');
    tmux('send-keys', '-t', SESSION, 'N');
    await waitForScreen((t) => new RegExp(`match ${total} of ${total}`).test(t), 'the newer match again');
    tmux('send-keys', '-t', SESSION, '/');
    await waitForScreen((t) => /\/▏/.test(t), 'the search prompt opened again');
    // Text and Enter in one command reach land in one read: each key still acts, in order (src/tui/split-keys.ts).
    tmux('send-keys', '-t', SESSION, 'no such text', 'Enter');
    await waitForScreen((t) => /no line matches "no such text"/.test(t), 'a miss');

    tmux('send-keys', '-t', SESSION, 'q');
    text = await waitForScreen((t) => /LAND-EXITED \d+/.test(t) && /MODE=/.test(t), 'land to exit');
    expect(text).toMatch(/LAND-EXITED 0/);
    expect(text).toMatch(/MODE=icanon/); // raw mode is off again: the line discipline is canonical
    expect(tmux('display-message', '-p', '-t', SESSION, '#{cursor_flag}').trim()).toBe('1'); // cursor shown
    expect(survivorsIn(pids)).toEqual([]);
  });

  it.concurrent('after a resize down and back up the screen holds one frame: one header, each row once and whole', async () => {
    const ticker = "let i = 0; setInterval(() => { i += 1; process.stdout.write(`tick ${i} ${'y'.repeat(i % 20)}\\n`); }, 40);";
    const dir = makeProject({
      config: {
        app: 'resizetest',
        tiers: {
          calm: { command: child('--say', 'calm says hello') },
          other: { command: child('--say', 'other is here') },
          ticker: { command: ['node', 'ticker.mjs'] },
        },
      },
      files: { 'ticker.mjs': ticker },
    });
    tmux('new-session', '-d', '-s', 'resize', '-x', '80', '-y', '24', `cd ${dir} && node ${LAND_BIN} up; echo LAND-EXITED $?; sleep 120`);
    const resizeScreen = () => tmux('capture-pane', '-p', '-t', 'resize');
    const lines = (t: string, pattern: RegExp) => t.split('\n').filter((line) => pattern.test(line));
    /** One header line, the table's title once, each tier's row once and starting as a row starts; `wide`: with the ticker's tick. */
    const oneFrame = (t: string, wide: boolean) =>
      lines(t, /resizetest/).length === 1 &&
      lines(t, /NAME +STATE/).length === 1 &&
      ['calm', 'other', 'ticker'].every((name) => lines(t, new RegExp(`^[› ] ${name} +ready +\\d+ `)).length === 1 && lines(t, new RegExp(`\\b${name}\\b`)).length === 1) &&
      (!wide || / tick \d+/.test(lines(t, /^[› ] ticker /)[0] ?? ''));
    const until = (check: (t: string) => boolean, what: string) => tmux.waitForScreen('resize', check, what);
    await until((t) => / tick \d+/.test(t) && lines(t, / ready /).length === 3, 'three tiers ready, the ticker printing');
    tmux('resize-window', '-t', 'resize', '-x', '50', '-y', '12');
    await until((t) => lines(t, /^› calm .*…$/).length === 1, 'the frame at 50 columns');
    // The frame settles (a stale copy above it would stay): then it must be the only one.
    await sleep(1000);
    let text = resizeScreen();
    expect(oneFrame(text, false), text).toBe(true);
    tmux('resize-window', '-t', 'resize', '-x', '80', '-y', '24');
    await until((t) => lines(t, /calm says hello/).length > 0, 'the frame at 80 columns');
    await sleep(1000);
    text = resizeScreen();
    expect(oneFrame(text, true), text).toBe(true);
    tmux('send-keys', '-t', 'resize', 'q');
    expect(await until((t) => /LAND-EXITED \d+/.test(t), 'land to exit')).toMatch(/LAND-EXITED 0/);
  });

  it.concurrent('a paste (tmux paste-buffer -p) runs no key outside the prompt, is the query in it, and paste mode ends with land', async () => {
    const script = [
      `node ${LAND_BIN} up`,
      'echo LAND-EXITED $?',
      'IFS= read -r line',
      `printf 'READ=%s|\\n' "$line" | cat -v`,
      'sleep 120',
    ];
    const dir = makeProject({
      config: { app: 'pastetest', tiers: { calm: { command: child('--say', 'calm says hello') }, other: { command: child('--say', 'other is here') } } },
      files: { 'run.sh': `${script.join('\n')}\n` },
    });
    tmux('new-session', '-d', '-s', 'paste', '-x', '100', '-y', '30', `cd ${dir} && bash run.sh`);
    const until = (check: (t: string) => boolean, what: string) => waitForScreen(check, what, 'paste');
    const paste = (text: string) => {
      tmux('set-buffer', '-b', 'p', text);
      tmux('paste-buffer', '-p', '-b', 'p', '-t', 'paste');
    };
    let text = await until((t) => row(t, 'calm')?.state === 'ready' && row(t, 'other')?.state === 'ready', 'both tiers ready');
    const calm = row(text, 'calm')!;
    // Every character of it a key of land's: select, restart, stop, help, open a pane, quit.
    paste('jrs?a\nq\n');
    text = await until((t) => /paste ignored: press \/ \(search\) or & \(filter\) first/.test(t), 'the paste ignored');
    expect(text).toMatch(/^› calm /m);
    expect(row(text, 'calm')).toEqual(calm);
    expect(row(text, 'other')?.state).toBe('ready');
    expect(text).not.toMatch(/── (\S+ logs|all tiers)/);
    tmux('send-keys', '-t', 'paste', '/');
    await until((t) => /\/▏/.test(t), 'the search prompt');
    // A copied line with its line break: the query, not submitted.
    paste('says hello\n');
    await until((t) => /\/says hello▏/.test(t), 'the pasted query');
    tmux('send-keys', '-t', 'paste', 'Enter');
    await until((t) => /match 1 of 1 for "says hello"/.test(t), 'the match');
    tmux('send-keys', '-t', 'paste', 'q');
    await until((t) => /LAND-EXITED 0/.test(t), 'land to exit');
    // Paste mode is off again: the shell's `read` gets the text alone.
    paste('after\n');
    text = await until((t) => /READ=/.test(t), 'the shell to read the paste');
    expect(text).toMatch(/READ=after\|/);
  });

  it.concurrent('escape sequences no key names, raw bytes and a paste with no end marker neither crash land nor act; keys act after', async () => {
    const dir = makeProject({
      config: { app: 'bytestest', tiers: { calm: { command: child('--say', 'calm says hello') }, other: { command: child('--say', 'other is here') } } },
    });
    tmux('new-session', '-d', '-s', 'bytes', '-x', '100', '-y', '30', `cd ${dir} && node ${LAND_BIN} up; echo LAND-EXITED $?; sleep 120`);
    const until = (check: (t: string) => boolean, what: string) => waitForScreen(check, what, 'bytes');
    const hex = (text: string | number[]) => tmux('send-keys', '-t', 'bytes', '-H', ...Buffer.from(text as string).toString('hex').match(/../g)!);
    let text = await until((t) => row(t, 'calm')?.state === 'ready' && row(t, 'other')?.state === 'ready', 'both tiers ready');
    const calm = row(text, 'calm')!;
    // Escape typed just as a terminal's answer arrives, each in one read: ink cut `ESC ESC]11;…` after the second ESC
    // and its text acted (`r` restarted calm, `/` opened the search prompt), and took `ESC ESC[12;40R` for Alt with a
    // sequence it cannot name (dropped whole, the Escape with it). Each is one Escape and nothing else.
    hex('\u001B\u001B]11;rgb:0000/0000/0000\u0007');
    tmux('send-keys', '-t', 'bytes', '?');
    await until((t) => /── keys/.test(t), 'the help after an Escape and a colour answer');
    tmux('send-keys', '-t', 'bytes', 'Escape');
    text = await until((t) => !/── keys/.test(t) && /^› calm /m.test(t), 'the help closed');
    expect(row(text, 'calm')).toEqual(calm);
    tmux('send-keys', '-t', 'bytes', 'Enter');
    await until((t) => /── calm logs/.test(t) && !/Tab to scroll/.test(t), 'the log pane of calm, focused');
    hex('\u001B\u001B[12;40R');
    await until((t) => /── calm logs.*Tab to scroll/.test(t), 'the pane unfocused by the Escape before a cursor report');
    tmux('send-keys', '-t', 'bytes', 'Escape');
    await until((t) => !/── calm logs/.test(t), 'the pane closed');
    // A colour code (ink threw on it: land died), a cursor style (its q quit land), a colour answer (its r restarted
    // calm), Alt-q, NUL and control bytes, invalid UTF-8.
    hex('\u001B[31m');
    hex('\u001B[2 q');
    hex('\u001B]11;rgb:0000/0000/0000\u0007');
    hex('\u001Bq');
    hex([0x00, 0x01, 0x1f, 0xff, 0xfe, 0xc3]);
    tmux('send-keys', '-t', 'bytes', '-l', '\u001B[0m\u001B[1;5X');
    tmux('send-keys', '-t', 'bytes', '?');
    text = await until((t) => /── keys/.test(t), 'the help');
    tmux('send-keys', '-t', 'bytes', 'Escape');
    text = await until((t) => !/── keys/.test(t) && /^› calm /m.test(t), 'the help closed');
    expect(row(text, 'calm')).toEqual(calm);
    // A start marker with no end: the keys after it are pasted text until no input came for a while.
    hex('\u001B[200~jq');
    await until((t) => /paste ignored/.test(t), 'the paste ended, ignored');
    tmux('send-keys', '-t', 'bytes', 'j');
    text = await until((t) => /^› other /m.test(t), 'other selected');
    expect(row(text, 'calm')).toEqual(calm);
    tmux('send-keys', '-t', 'bytes', 'q');
    expect(await until((t) => /LAND-EXITED \d+/.test(t), 'land to exit')).toMatch(/LAND-EXITED 0/);
  });

  it.concurrent('Ctrl-Z gives the terminal back and stops land while its tiers run on; fg brings the UI back in raw mode, redrawn', async () => {
    // A shell with job control (set -m), as at a prompt: land runs as a job of its own, and `fg` resumes it.
    // Then land under a wrapper in its process group, as `npx land up` or `npm run dev` run it: the wrapper must stop
    // too, or the shell, waiting for it, never takes the terminal back.
    const script = [
      'set -m',
      `node ${LAND_BIN} up`,
      'echo "LAND-STOPPED $(jobs -p)"',
      "stty -a | grep -o -- '-*icanon' | head -1 | sed 's/^/MODE=/'",
      'IFS= read -r line',
      'printf %s "$line" > read.txt',
      'fg',
      'echo LAND-EXITED $?',
      'read _',
      'clear',
      `sh -c 'node ${LAND_BIN} up; echo wrapper-done'`,
      'echo "WRAPPER-STOPPED $(jobs -p)"',
      'jobs',
      'read _',
      'fg',
      'echo WRAPPER-EXITED $?',
      'sleep 120',
    ];
    const dir = makeProject({
      config: { app: 'suspendtest', tiers: { calm: { command: child('--say', 'calm says hello') }, other: { command: child('--say', 'other is here') } } },
      files: { 'run.sh': `${script.join('\n')}\n` },
    });
    tmux('new-session', '-d', '-s', 'suspend', '-x', '100', '-y', '30', `cd ${dir} && bash run.sh`);
    const until = (check: (t: string) => boolean, what: string) => waitForScreen(check, what, 'suspend');
    let text = await until((t) => row(t, 'calm')?.state === 'ready' && row(t, 'other')?.state === 'ready', 'both tiers ready');
    const calmPid = row(text, 'calm')!.pid;
    tmux('send-keys', '-t', 'suspend', 'C-z');
    text = await until((t) => /LAND-STOPPED \d+/.test(t) && /MODE=/.test(t), 'land stopped, the shell back');
    expect(text).toMatch(/MODE=icanon/); // the terminal as the shell wants it: raw mode off
    expect(tmux('display-message', '-p', '-t', 'suspend', '#{cursor_flag}').trim()).toBe('1'); // cursor shown
    const landPid = /LAND-STOPPED (\d+)/.exec(text)![1]!;
    expect(procState(landPid)).toBe('T');
    expect(procState(calmPid)).not.toBe('T'); // the tiers run on
    // A paste at the shell's `read` while land is stopped: bracketed paste is off, so it comes without markers.
    tmux('set-buffer', '-b', 'shell', 'pasted\n');
    tmux('paste-buffer', '-p', '-b', 'shell', '-t', 'suspend'); // then `fg`
    // Redrawn on a clean screen: the shell's lines are gone, the frame is whole.
    text = await until((t) => !/LAND-STOPPED/.test(t) && row(t, 'calm')?.state === 'ready' && /^› calm /m.test(t), 'the UI back');
    expect(text.split('\n').filter((line) => /suspendtest/.test(line))).toHaveLength(1);
    expect(procState(landPid)).not.toBe('T');
    expect(readFileSync(join(dir, 'read.txt'), 'utf8')).toBe('pasted');
    // Bracketed paste on again: a pasted q is not a key.
    tmux('set-buffer', '-b', 'q', 'q');
    tmux('paste-buffer', '-p', '-b', 'q', '-t', 'suspend');
    await until((t) => /paste ignored/.test(t), 'the paste ignored');
    // Raw mode again: one key acts without Enter.
    tmux('send-keys', '-t', 'suspend', 'j');
    await until((t) => /^› other /m.test(t), 'other selected');
    tmux('send-keys', '-t', 'suspend', 'q');
    expect(await until((t) => /LAND-EXITED \d+/.test(t), 'land to exit')).toMatch(/LAND-EXITED 0/);

    tmux('send-keys', '-t', 'suspend', 'Enter'); // `read`, then land under `sh -c`
    text = await until((t) => !/LAND-EXITED/.test(t) && row(t, 'calm')?.state === 'ready' && row(t, 'other')?.state === 'ready', 'land under sh -c, tiers ready');
    const wrappedCalm = row(text, 'calm')!.pid;
    tmux('send-keys', '-t', 'suspend', 'C-z');
    text = await until((t) => /WRAPPER-STOPPED \d+/.test(t) && /Stopped\s+sh -c/.test(t), 'the wrapper stopped, the shell back');
    expect(procState(/WRAPPER-STOPPED (\d+)/.exec(text)![1]!)).toBe('T');
    expect(procState(wrappedCalm)).not.toBe('T');
    tmux('send-keys', '-t', 'suspend', 'Enter'); // `read`, then `fg`
    text = await until((t) => !/WRAPPER-STOPPED/.test(t) && row(t, 'calm')?.state === 'ready' && /^› calm /m.test(t), 'the UI back under sh -c');
    expect(text.split('\n').filter((line) => /suspendtest/.test(line))).toHaveLength(1);
    tmux('send-keys', '-t', 'suspend', 'q');
    text = await until((t) => /WRAPPER-EXITED \d+/.test(t), 'the wrapper to exit');
    expect(text).toMatch(/wrapper-done\s+WRAPPER-EXITED 0/);
  });
});
