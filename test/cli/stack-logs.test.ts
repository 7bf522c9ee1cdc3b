/**
 * `land logs [tier…]` for several tiers of a real stack: every tier's lines (or those named; a tier's name means all
 * its replicas) interleaved in the order they came, prefixed as `land up --no-tui` prints them, with the OTLP log
 * records a tier sent; `-f` seeing a tier started later and a replica added later; `-n` per tier; `--json`; an
 * unknown tier; the control API's stack-wide stream behind its token; and, with no stack, the boot's files.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanUp, http } from '../control/helpers.js';
import { LAND_BIN, ROOT, land, landDone, makeProject, removeProjects, waitUntil, type LandRun } from '../helpers/land.js';

const CURL_CHILD = join(ROOT, 'test', 'fixtures', 'otlp-curl-child.sh');

const runs: LandRun[] = [];
afterAll(async () => {
  await cleanUp(runs);
  removeProjects();
});

/**
 * Waits for `sync/<name>`: a file the test makes once land has printed the other tier's line (takeTurns), so the
 * order lines came to land in is known (a sleep after the other tier's own mark was a guess a loaded machine lost).
 */
const WAIT = 'w(){ while [ ! -f "sync/$1" ]; do sleep 0.02; done; }';

/** a and b's turns: each file is made once land has printed the line before it (the test's `go` stays the test's). */
function takeTurns(run: LandRun, dir: string): void {
  const turns: [RegExp, string][] = [[/a +\| a1/, '1'], [/b +\| b1/, '2'], [/a +\| a2/, '3'], [/b +\| b2/, '4'], [/a +\| a3/, '5'], [/b +\| b3/, '6']];
  void (async () => {
    for (const [line, file] of turns) {
      await run.waitFor(line, 60_000);
      writeFileSync(join(dir, 'sync', file), '');
    }
  })().catch(() => undefined); // a test that stops before a3 leaves the rest unwaited
}

/**
 * a and b write in turns (a1 b1 a2 b2, then on `go`: a3 b3 a4), each waiting for the other's file, so the order the
 * lines came in is known; w runs two replicas; late is stopped and started by the test; curl sends an OTLP record.
 */
function stackProject(): string {
  return makeProject({
    config: {
      app: 'shop',
      tiers: {
        a: { command: `${WAIT}; echo a1; w 2; echo a2; w go; w 4; echo a3; w 6; echo a4; exec sleep 120`, shell: true },
        b: { command: `${WAIT}; w 1; echo b1; w 3; echo b2 >&2; w 5; echo b3; exec sleep 120`, shell: true },
        w: { command: 'echo "w$LAND_REPLICA up"; exec sleep 120', shell: true, replicas: 2 },
        late: { command: 'echo late here; exec sleep 120', shell: true },
        curl: { command: ['bash', CURL_CHILD], restart: { policy: 'never' } },
      },
    },
    files: { 'sync/.keep': '' },
  });
}

/**
 * Calls `onLine` with every whole line `stream` gives from now on (its chunks cut lines anywhere). For outputs of many
 * MB: a poll that searched the whole text each 25 ms cost more CPU than the stack, the more the slower the machine.
 */
function eachLine(stream: Readable, onLine: (line: string) => void): void {
  let partial = '';
  stream.on('data', (text: string) => {
    const lines = (partial + text).split('\n');
    partial = lines.pop()!;
    for (const line of lines) onLine(line);
  });
}

/** Lines of a follower or a command's output. */
const linesOf = (text: string) => text.trimEnd().split('\n');

/** The lines of text output for `tier`, without their prefix. */
const linesFor = (text: string, tier: string) =>
  linesOf(text)
    .filter((line) => line.startsWith(`${tier.padEnd(8)} | `))
    .map((line) => line.slice(11));

/** 3 tiers of 600 lines of 1 KB, then quiet: about 1.8 MB of recent lines, more than the sockets and pipes hold. */
async function recentLinesStack(): Promise<{ dir: string; run: LandRun }> {
  const tiers: Record<string, unknown> = {};
  for (let i = 0; i < 3; i++) {
    const script = `awk 'BEGIN{s=sprintf("%1000s",""); gsub(/ /,"x",s); for(i=0;i<600;i++) print "t${i} " i " " s}'; echo t${i} up; exec sleep 300`;
    tiers[`t${i}`] = { command: ['sh', '-c', script], ready: { log: `t${i} up` } };
  }
  const dir = makeProject({ config: { tiers } });
  const run = land(['up', '--no-tui'], dir);
  runs.push(run);
  await waitUntil(() => [0, 1, 2].every((i) => run.stdout.includes(`t${i} up\n`)), 90_000, 'every tier up');
  return { dir, run };
}

// Each test has a project and a stack of its own, and much of their time is waiting: the tests of a group run side by
// side (it.concurrent), the groups one after the other (a describe.concurrent would run beside the next). This one
// holds the 16 s of the reader that is cut off and the tests whose order of lines rests on land reading a tier within
// 0.3 s (WAIT), away from the floods of the next.
describe('land logs for several tiers of a stack, beside a reader that waits out the cut-off', () => {
  it.concurrent('a reader that reads nothing is cut off once it has read nothing for 10 s, exit 6, and the stack goes on', { timeout: 240_000 }, async () => {
    const { dir, run } = await recentLinesStack();
    // A reader that takes nothing: without follow too, it is cut off once it has read nothing for 10 s (the stack
    // goes on); before, it kept its answer (every tier's recent lines) for as long as it liked.
    const stalled = land(['logs'], dir);
    runs.push(stalled);
    stalled.proc.stdout!.pause();
    await new Promise((resolve) => setTimeout(resolve, 16_000));
    stalled.proc.stdout!.resume();
    expect((await stalled.exited).code).toBe(6);
    expect(stalled.stderr).toBe('land: the logs of every tier were cut off before their end (land died, or this reader stayed behind too long)\n');
    expect([run.proc.exitCode, run.proc.signalCode]).toEqual([null, null]);
    expect((await landDone(['down'], dir)).code).toBe(0);
    await run.exited;
  });

  it.concurrent('interleaves the tiers as their lines came, prefixed as land up prints them; names, replicas, -n, --json, records', { timeout: 120_000 }, async () => {
    const dir = stackProject();
    const run = land(['up', '--no-tui', '--control-port', '0'], dir);
    takeTurns(run, dir);
    runs.push(run);
    await run.waitFor(/b +\| b2/);
    await run.waitFor(/curl: .*→ exited/);
    await run.waitFor(/w\.2 +\| w2 up/);

    // Every tier: a and b in the order they wrote, each line prefixed exactly as land up printed it.
    const all = await landDone(['logs'], dir);
    expect(all.code).toBe(0);
    expect(all.stderr).toBe('');
    const ab = linesOf(all.stdout).filter((line) => /^[ab] /.test(line));
    expect(ab).toEqual(['a        | a1', 'b        | b1', 'a        | a2', 'b        | b2']);
    for (const line of linesOf(all.stdout).filter((line) => !line.includes('[otlp '))) expect(run.stdout).toContain(`${line}\n`);
    expect(linesFor(all.stdout, 'w.1')).toEqual(['w1 up']);
    expect(linesFor(all.stdout, 'late')).toEqual(['late here']);
    // The record curl sent, marked as in the one-tier form, under its tier.
    expect(linesFor(all.stdout, 'curl')).toContainEqual(expect.stringMatching(/^\[otlp ERROR\] curl child reports · trace [0-9a-f]{32} span [0-9a-f]{16}$/));
    expect(linesFor(all.stdout, 'curl')).toContain('curl child posted');

    // --json: one object a line, with its tier, in time order.
    const json = await landDone(['logs', '--json'], dir);
    const objects = linesOf(json.stdout).map((line) => JSON.parse(line) as { tier: string; stream: string; line: string; at: number; record?: Record<string, unknown> });
    expect(new Set(objects.map((object) => object.tier))).toEqual(new Set(['a', 'b', 'w.1', 'w.2', 'late', 'curl']));
    expect(objects.every((object, i) => i === 0 || object.at >= objects[i - 1]!.at)).toBe(true);
    expect(objects.find((object) => object.line === 'b2')).toMatchObject({ tier: 'b', stream: 'stderr' });
    expect(objects.find((object) => object.stream === 'otlp')?.record).toMatchObject({ tier: 'curl', severityText: 'ERROR', body: 'curl child reports' });

    // -n: the last lines of each tier.
    const last = await landDone(['logs', '-n', '1'], dir);
    expect(linesOf(last.stdout).sort()).toEqual(['a        | a2', 'b        | b2', 'curl     | curl child posted', 'late     | late here', 'w.1      | w1 up', 'w.2      | w2 up']);

    // Names: a tier with replicas means all of them, a replica only itself; the one-tier form is as it was.
    const some = await landDone(['logs', 'w', 'b'], dir);
    expect(linesOf(some.stdout).sort()).toEqual(['b        | b1', 'b        | b2', 'w.1      | w1 up', 'w.2      | w2 up']);
    const replica = await landDone(['logs', 'a', 'w.2', '-n', '1', '--json'], dir);
    expect(linesOf(replica.stdout).map((line) => (JSON.parse(line) as { tier: string }).tier).sort()).toEqual(['a', 'w.2']);
    expect((await landDone(['logs', 'a'], dir)).stdout).toBe('a1\na2\n');

    // An unknown tier: one line naming it and the known ones, exit 2, nothing on stdout.
    for (const args of [['logs', 'a', 'ghost'], ['logs', 'ghost', 'spook', '-f']]) {
      const bad = await landDone(args, dir);
      expect(bad.code, args.join(' ')).toBe(2);
      expect(bad.stdout).toBe('');
      expect(linesOf(bad.stderr)).toEqual([
        expect.stringMatching(/^land: unknown tiers? ("ghost"|"ghost", "spook") \(known: a, b, w\.1, w\.2, late, curl\)$/),
      ]);
    }

    // The API: GET /logs behind the token on TCP, like every route; NDJSON only.
    const [, port, token] = await run.waitFor(/control API on http:\/\/127\.0\.0\.1:(\d+) · bearer token (\S+)/);
    const tcp = { port: Number(port) };
    expect((await http(tcp, '/logs')).status).toBe(401);
    const answered = await http(tcp, '/logs?tier=a&limit=1', { headers: { authorization: `Bearer ${token}` } });
    expect(answered.status).toBe(200);
    expect(JSON.parse(answered.body)).toMatchObject({ tier: 'a', stream: 'stdout', line: 'a2' });
    const socket = { socketPath: join(dir, '.land', 'run', 'land.sock') };
    expect((await http(socket, '/logs?format=text')).status).toBe(400);
    expect(JSON.parse((await http(socket, '/logs?tier=ghost')).body)).toMatchObject({ error: { code: 'unknown-tier' } });
    // follow is 0 or 1, limit digits only, and neither (nor format) twice: a 400 naming it, on both routes.
    for (const route of ['/logs', '/tiers/a/logs']) {
      for (const query of ['follow=yes', 'follow=true', 'follow=', 'limit=', 'limit=1e2', 'limit=0x2', 'limit=-1', 'limit=1&limit=abc', 'follow=1&follow=1', 'format=ndjson&format=ndjson']) {
        const refused = await http(socket, `${route}?${query}`);
        expect(refused.status, `${route}?${query}`).toBe(400);
        expect(JSON.parse(refused.body), query).toMatchObject({ error: { code: 'bad-request', message: expect.stringMatching(new RegExp(`^${query.slice(0, query.indexOf('='))}: `)) } });
      }
      expect((await http(socket, `${route}?follow=0&limit=1`)).status).toBe(200);
    }
    expect(JSON.parse((await http(socket, '/logs?tier=')).body)).toMatchObject({ error: { code: 'unknown-tier', message: expect.stringMatching(/^unknown tier "" \(known: a, /) } });
    const badCount = await landDone(['logs', '-n', '1e2'], dir);
    expect([badCount.code, badCount.stderr]).toEqual([2, 'land: --lines: expected a whole number ≥ 0, got "1e2"\n']);

    expect((await run.stop()).code).toBe(0);
  });

  it.concurrent('-f follows every tier, a tier started later and a replica added later, until the stack stops', { timeout: 120_000 }, async () => {
    const dir = stackProject();
    const run = land(['up', '--no-tui'], dir);
    takeTurns(run, dir);
    runs.push(run);
    await run.waitFor(/b +\| b2/);
    await run.waitFor(/late +\| late here/);
    expect((await landDone(['stop', 'late'], dir)).code).toBe(0);

    const every = land(['logs', '-f'], dir);
    const replicas = land(['logs', 'w', '-f'], dir);
    runs.push(every, replicas);
    // Attached once the recent lines have come.
    await every.waitFor(/b +\| b2\n/);
    await replicas.waitFor(/w\.2 +\| w2 up\n/);

    writeFileSync(join(dir, 'sync', 'go'), '');
    await every.waitFor(/a +\| a4\n/);
    expect(linesOf(every.stdout).filter((line) => /^[ab] /.test(line))).toEqual(
      ['a1', 'b1', 'a2', 'b2', 'a3', 'b3', 'a4'].map((line) => `${line[0]}        | ${line}`),
    );

    // A tier started later, and a replica added later.
    expect((await landDone(['start', 'late'], dir)).code).toBe(0);
    await every.waitFor(/late +\| late here\n[\s\S]*late +\| late here\n/);
    expect((await landDone(['scale', 'w', '3'], dir)).code).toBe(0);
    await every.waitFor(/w\.3 +\| w3 up\n/);
    await replicas.waitFor(/w\.3 +\| w3 up\n/);
    expect(linesOf(replicas.stdout).every((line) => /^w\.\d +\| w\d up$/.test(line))).toBe(true);

    // The stack stops: both followers end with it, exit 0.
    expect((await run.stop()).code).toBe(0);
    expect((await every.exited).code).toBe(0);
    expect((await replicas.exited).code).toBe(0);
    expect(every.stderr + replicas.stderr).toBe('');
  });

  it.concurrent("with no stack: the last boot's files of every tier, tier after tier (they hold no times), and says so", { timeout: 120_000 }, async () => {
    const dir = stackProject();
    writeFileSync(join(dir, 'sync', 'go'), '');
    const run = land(['up', '--no-tui'], dir);
    takeTurns(run, dir);
    await run.waitFor(/a +\| a4/);
    await run.waitFor(/w\.2 +\| w2 up/);
    await run.waitFor(/curl: .*→ exited/);
    await run.waitFor(/late +\| late here/);
    expect((await run.stop()).code).toBe(0);
    const boot = run.bootId;
    mkdirSync(join(dir, 'src'));

    const all = await landDone(['logs'], join(dir, 'src'));
    expect(all.code).toBe(0);
    expect(linesOf(all.stderr)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^land: a, b, curl, late, w\\.1, w\\.2 · boot ${boot} \\(the last boot: no stack is running; last written \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC\\) · 6 files in \\.\\./\\.land/logs/${boot}/$`,
        ),
      ),
      'land: log files hold no times: each tier is shown whole after the one before, not interleaved as its lines came',
    ]);
    const lines = linesOf(all.stdout);
    expect(lines.filter((line) => /^[ab] /.test(line))).toEqual(
      ['a1', 'a2', 'a3', 'a4', 'b1', 'b2', 'b3'].map((line) => `${line[0]}        | ${line}`),
    );
    expect(lines.map((line) => line.slice(0, 8).trim())).toEqual([...'aaaabbb'.split(''), 'curl', 'late', 'w.1', 'w.2']);
    expect(lines).toContain('curl     | curl child posted');

    const tail = await landDone(['logs', 'w', 'a', '-n', '1', '--json'], dir);
    expect(linesOf(tail.stdout).map((line) => JSON.parse(line))).toEqual([
      { tier: 'a', boot, line: 'a4' },
      { tier: 'w.1', boot, line: 'w1 up' },
      { tier: 'w.2', boot, line: 'w2 up' },
    ]);
    expect(tail.stderr).toMatch(/^land: a, w\.1, w\.2 · boot /);

    const asked = await landDone(['logs', 'b', '--boot', boot, '-f'], dir);
    expect(asked.stdout).toBe('b1\nb2\nb3\n');
    const several = await landDone(['logs', 'b', 'late', '--boot', boot, '-n', '2'], dir);
    expect(several.stdout).toBe('b        | b2\nb        | b3\nlate     | late here\n');
    expect(several.stderr).toMatch(/\(the boot asked for;/);

    const bad = await landDone(['logs', 'a', 'ghost'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(linesOf(bad.stderr)).toEqual([`land: unknown tier "ghost" in boot ${boot} (tiers with logs: a, b, curl, late, w.1, w.2)`]);
  });

  it.concurrent('against a land started before GET /logs: one name is asked the old way, several are refused with why', async () => {
    const dir = makeProject({ config: { tiers: { web: { command: ['true'] } } } });
    mkdirSync(join(dir, '.land', 'run'), { recursive: true });
    const asked: string[] = [];
    const old = createServer((req, res) => {
      const url = req.url ?? '';
      asked.push(url.split('?')[0]!);
      if (url.startsWith('/tiers/web.1/logs')) return void res.end('one\n');
      if (url === '/status') return void res.end(JSON.stringify({ tiers: [{ name: 'web.1' }, { name: 'web.2' }] }));
      if (url.startsWith('/tiers/web/logs')) {
        res.writeHead(404, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify({ error: { code: 'unknown-tier', message: 'web runs replicas: name one of web.1, web.2' } }));
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'not-found', message: `no such endpoint: GET ${url.split('?')[0]}` } }));
    });
    await new Promise<void>((resolve) => old.listen(join(dir, '.land', 'run', 'land.sock'), resolve));
    try {
      // An instance: its lines, in one request (no /status first).
      const instance = await landDone(['logs', 'web.1'], dir);
      expect([instance.code, instance.stdout, instance.stderr]).toEqual([0, 'one\n', '']);
      expect(asked.splice(0)).toEqual(['/tiers/web.1/logs']);
      const one = await landDone(['logs', 'web'], dir);
      expect([one.code, one.stdout, one.stderr]).toEqual([2, '', 'land: web runs replicas: name one of web.1, web.2\n']);
      // No instance of that name: the stack-wide form, which this land lacks; then the old way, which says why.
      expect(asked.splice(0)).toEqual(['/tiers/web/logs', '/status', '/logs', '/tiers/web/logs']);
      const every = await landDone(['logs'], dir);
      expect(every.code).toBe(4);
      expect(every.stderr).toBe(
        'land: the running land is older than this command: it shows one tier at a time (`land logs <tier>`); restart the stack (`land down`, `land up`) for every tier at once\n',
      );
    } finally {
      await new Promise((resolve) => old.close(resolve));
    }
  });
});

describe('land logs for several tiers of a stack, through floods and readers behind', () => {
  it.concurrent('a follower of every tier through a flood of two tiers, stopped for 3 s: no line lost, each tier in order', { timeout: 360_000 }, async () => {
    const lines = 60_000;
    const flood = (name: string) => ({ command: ['node', join(ROOT, 'test', 'fixtures', 'child.mjs'), '--say', `${name} waiting`, '--after-file', 'go', '--flood', String(lines)], restart: { policy: 'never' } });
    const dir = makeProject({ config: { tiers: { f: flood('f'), g: flood('g') } } });
    const run = land(['up', '--no-tui'], dir);
    runs.push(run);
    await run.waitFor(/g: starting → ready/);
    await run.waitFor(/f: starting → ready/);
    const follow = land(['logs', '-f'], dir);
    runs.push(follow);
    const done = new Set<string>();
    eachLine(follow.proc.stdout!, (line) => {
      for (const tier of ['f', 'g']) if (line.includes(`${tier}        | flood done`)) done.add(tier);
    });
    await waitUntil(() => follow.stdout.includes('f waiting') && follow.stdout.includes('g waiting'), 20_000, 'the follower attached');
    writeFileSync(join(dir, 'go'), '');
    await follow.waitFor(/\| (f|g) line /);
    follow.signal('SIGSTOP');
    await new Promise((resolve) => setTimeout(resolve, 3000));
    follow.signal('SIGCONT');
    await waitUntil(() => done.size === 2, 240_000, 'both floods done');
    expect((await landDone(['down'], dir)).code).toBe(0);
    expect((await follow.exited).code).toBe(0);
    expect(follow.stderr).toBe('');
    for (const tier of ['f', 'g']) {
      const numbers = [...follow.stdout.matchAll(new RegExp(`^${tier} +\\| ${tier} line (\\d+) `, 'gm'))].map((match) => Number(match[1]));
      expect(numbers).toHaveLength(lines);
      expect(numbers.every((n, i) => n === i)).toBe(true);
    }
    await run.exited;
  });

  it.concurrent('a follower slow to take 32 tiers of long recent lines gets all of them, then every new line, none lost or repeated', { timeout: 240_000 }, async () => {
    const tiers: Record<string, unknown> = {
      tick: { command: 'i=0; while true; do i=$((i+1)); echo "tick $i"; sleep 0.05; done', shell: true },
    };
    for (let i = 0; i < 32; i++) {
      // 250 lines of 4 KB, about the MiB of recent lines a tier keeps: 32 MiB in all, far past what one write may queue.
      const script = `awk 'BEGIN{s=sprintf("%4096s",""); gsub(/ /,"x",s); for(i=0;i<250;i++) print i s}'; echo t${i} up; exec sleep 300`;
      tiers[`t${i}`] = { command: ['sh', '-c', script], ready: { log: `t${i} up` } };
    }
    const dir = makeProject({ config: { tiers } });
    const run = land(['up', '--no-tui'], dir);
    runs.push(run);
    const up = new Set<string>();
    let lastTick = 0;
    eachLine(run.proc.stdout!, (line) => {
      const tier = /\b(t\d+) up$/.exec(line)?.[1];
      if (tier) up.add(tier);
      const tick = /\btick (\d+)$/.exec(line)?.[1];
      if (tick) lastTick = Number(tick);
    });
    await waitUntil(() => [...Array(32).keys()].every((i) => up.has(`t${i}`)), 90_000, 'every tier up');
    const follow = land(['logs', '-f', '--json'], dir);
    runs.push(follow);
    const followed = new Set<string>();
    eachLine(follow.proc.stdout!, (line) => {
      const seen = /"line":"(t\d+ up|tick \d+)"/.exec(line)?.[1];
      if (seen) followed.add(seen);
    });
    // Its reader takes nothing for 3 s while the recent lines wait to be written and the ticks go on.
    follow.proc.stdout!.pause();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    follow.proc.stdout!.resume();
    await waitUntil(() => [...Array(32).keys()].every((i) => followed.has(`t${i} up`)), 60_000, 'every recent line');
    const ticksBefore = lastTick;
    await waitUntil(() => followed.has(`tick ${ticksBefore + 20}`), 30_000, 'new ticks');
    expect((await run.stop()).code).toBe(0);
    expect((await follow.exited).code).toBe(0);
    const lines = linesOf(follow.stdout).map((line) => JSON.parse(line) as { tier: string; line: string });
    for (let i = 0; i < 32; i++) {
      const own = lines.filter((line) => line.tier === `t${i}`);
      expect(own.at(-1)!.line).toBe(`t${i} up`);
      // Each tier's kept lines, in order and whole.
      const numbers = own.slice(0, -1).map((line) => Number(/^\d+/.exec(line.line)![0]));
      expect(numbers.every((n, k) => k === 0 || n === numbers[k - 1]! + 1)).toBe(true);
      expect(own.slice(0, -1).every((line, k) => line.line === `${numbers[k]}${'x'.repeat(4096)}`)).toBe(true);
    }
    const ticks = lines.filter((line) => line.tier === 'tick').map((line) => Number(line.line.slice(5)));
    expect(ticks.length).toBeGreaterThan(ticksBefore);
    expect(ticks.every((n, k) => k === 0 || n === ticks[k - 1]! + 1)).toBe(true);
  });

  it.concurrent('readers behind when the stack stops still get every line owed, then exit 0', { timeout: 240_000 }, async () => {
    const { dir, run } = await recentLinesStack();
    // Two readers taking 16 KiB every 40 ms (about 400 KB/s); once both have begun, the stack is stopped.
    const reader = join(ROOT, 'test', 'fixtures', 'slow-reader.mjs');
    const slow = (args: string, started: string) =>
      new Promise<{ stdout: string; stderr: string }>((resolve) => {
        const shell = spawn('bash', ['-c', `"${process.execPath}" "${LAND_BIN}" logs ${args} | "${process.execPath}" "${reader}" 16384 40 ${started}; echo "exit \${PIPESTATUS[0]}" >&2`], {
          cwd: dir,
          env: { ...process.env, NO_COLOR: '1' },
        });
        let stdout = '';
        let stderr = '';
        shell.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        shell.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        shell.on('close', () => resolve({ stdout, stderr }));
      });
    const once = slow('', join(dir, 'once-started'));
    const follow = slow('-f', join(dir, 'follow-started'));
    await waitUntil(() => existsSync(join(dir, 'once-started')) && existsSync(join(dir, 'follow-started')), 60_000, 'both readers reading');
    expect((await landDone(['down'], dir)).code).toBe(0);
    for (const [what, done] of [['land logs', once], ['land logs -f', follow]] as const) {
      const { stdout, stderr } = await done;
      expect(stderr, what).toBe('exit 0\n');
      expect(Number(stdout), what).toBe(3 * 601);
    }
    await run.exited;
  });

  it.concurrent('from files: a line running on into the next rotated file is one line, a last line gets its newline, a reader that goes ends it quietly', async () => {
    const dir = makeProject({ config: { tiers: { a: { command: ['true'] }, b: { command: ['true'] } } } });
    const boot = join(dir, '.land', 'logs', '20261205T120000000Z-abcdef');
    mkdirSync(boot, { recursive: true });
    writeFileSync(join(boot, 'a.log.2.gz'), gzipSync('one\ntw'));
    writeFileSync(join(boot, 'a.log.1'), 'o\nthr');
    writeFileSync(join(boot, 'a.log'), 'ee\nlast without newline');
    writeFileSync(join(boot, 'b.log'), `${Array.from({ length: 200_000 }, (_, i) => `b ${i}`).join('\n')}\n`);
    const all = await landDone(['logs', '--boot', '20261205T120000000Z-abcdef'], dir);
    expect(all.code).toBe(0);
    expect(all.stdout.startsWith('a        | one\na        | two\na        | three\na        | last without newline\nb        | b 0\n')).toBe(true);
    expect(all.stdout.endsWith('b        | b 199999\n')).toBe(true);
    expect((await landDone(['logs', '-n', '2', '--json'], dir)).stdout).toBe(
      [['a', 'three'], ['a', 'last without newline'], ['b', 'b 199998'], ['b', 'b 199999']]
        .map(([tier, line]) => `${JSON.stringify({ tier, boot: '20261205T120000000Z-abcdef', line })}\n`)
        .join(''),
    );
    const json = await landDone(['logs', 'a', 'b', '--json'], dir);
    expect(linesOf(json.stdout).slice(0, 4).map((line) => (JSON.parse(line) as { line: string }).line)).toEqual(['one', 'two', 'three', 'last without newline']);
    expect(linesOf(json.stdout)).toHaveLength(200_004);
    // `land logs | head -1`: the reader goes after one line; land ends without a word, exit 0.
    const piped = spawnSync('bash', ['-c', `"${process.execPath}" "${LAND_BIN}" logs | head -1; echo "exit \${PIPESTATUS[0]}" >&2`], { cwd: dir, encoding: 'utf8' });
    expect(piped.stdout).toBe('a        | one\n');
    expect(piped.stderr).toMatch(/log files hold no times[^\n]*\nexit 0\n$/);
  });
});
