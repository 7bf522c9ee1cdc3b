/**
 * One-line messages a tester found uneven: a busy port said three ways (the control port's twice over, the
 * receiver's in node's own words), a UTF-16 profile read as garbage keys, `land check`'s summary read as where the
 * problems were, and a tier name of any length (a 300-character one booted with `log-file ENAMETOOLONG`).
 */
import { createServer, type Server } from 'node:net';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { child, expectCleanRejection, landDone, makeProject, removeProjects } from '../helpers/land.js';

const marker = { command: child('--touch', 'started.flag') };

afterAll(() => removeProjects());

async function holdPort(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
}

describe('a port land cannot have: one line of one shape for the three, exit 2, nothing started', () => {
  for (const flag of ['--control-port', '--receiver-port', '--dashboard-port']) {
    it(`${flag}, in the foreground and with -d`, async () => {
      const held = await holdPort();
      try {
        for (const mode of [['--no-tui'], ['-d']]) {
          const dir = makeProject({ config: { tiers: { a: marker } } });
          const result = await landDone(['up', ...mode, flag, String(held.port)], dir);
          const line = `land: ${flag}: cannot listen on 127.0.0.1:${held.port}: address already in use (EADDRINUSE)`;
          expect(result.stderr, mode.join(' ')).toBe(`${line}\n`);
          expectCleanRejection(result, dir, /./);
          expect(existsSync(join(dir, '.land', 'run', 'land.pid'))).toBe(false);
        }
      } finally {
        held.server.close();
      }
    }, 60_000);
  }

  it('--control-port busy: the boot\'s folder goes, a .land/logs that was there before stays', async () => {
    const held = await holdPort();
    try {
      const dir = makeProject({ config: { tiers: { a: marker } } });
      mkdirSync(join(dir, '.land', 'logs'), { recursive: true });
      const result = await landDone(['up', '--no-tui', '--control-port', String(held.port)], dir);
      expect(result.code).toBe(2);
      expect(readdirSync(join(dir, '.land', 'logs'))).toEqual([]);
    } finally {
      held.server.close();
    }
  }, 60_000);
});

describe('a profile that is not UTF-8', () => {
  it('UTF-16 with and without its byte order mark, or Latin-1: one line naming the file and the encoding, in land up and land check', async () => {
    const utf16 = execFileSync('iconv', ['-t', 'UTF-16'], { input: 'Spawn=true\nX=1\n' });
    const dir = makeProject({ config: { tiers: { a: marker } }, profiles: { debug: '' } });
    writeFileSync(join(dir, 'profiles', 'utf16.env'), utf16);
    writeFileSync(join(dir, 'profiles', 'nobom.env'), Buffer.from('Spawn=true\n', 'utf16le'));
    writeFileSync(join(dir, 'profiles', 'latin.env'), Buffer.from('A=1\nB=caf\xe9\n', 'latin1'));
    const up = await landDone(['up', '--no-tui', '--profile', 'utf16'], dir);
    expectCleanRejection(up, dir, /^land: profiles\/utf16\.env:1: expected a UTF-8 text file, got UTF-16 little-endian \(by its byte order mark\): save it as UTF-8$/);
    const check = await landDone(['check'], dir);
    expect(check.code).toBe(2);
    expect(check.stdout.trimEnd().split('\n')).toEqual([
      'profiles/latin.env:2: expected a UTF-8 text file, got a byte sequence that is not UTF-8 (Latin-1?): save it as UTF-8',
      'profiles/nobom.env:1: expected a UTF-8 text file, got NUL bytes (UTF-16 without a byte order mark?): save it as UTF-8',
      'profiles/utf16.env:1: expected a UTF-8 text file, got UTF-16 little-endian (by its byte order mark): save it as UTF-8',
    ]);
    // Where the problems are, then what was checked.
    expect(check.stderr).toBe(
      'land: 3 problems, in profiles/latin.env, profiles/nobom.env, profiles/utf16.env; checked land.config.mjs, 4 profiles, 0 env files; nothing was started\n',
    );
  }, 60_000);
});

describe('tier names of at most 63 characters', () => {
  it('a 300-character name is bad input naming it by its start and length; 63 characters boot', async () => {
    const long = 'a'.repeat(300);
    const dir = makeProject({ config: { tiers: { [long]: marker } } });
    const refused = await landDone(['up', '--no-tui'], dir);
    expectCleanRejection(refused, dir, /: expected a tier name of letters, digits, - and _ \(starting with a letter or digit, at most 63 characters\), got "a{20}…" \(300 characters\)$/);

    const procfile = makeProject({ config: { tiers: {} } });
    execFileSync('rm', [join(procfile, 'land.config.mjs')]);
    writeFileSync(join(procfile, 'Procfile'), `${'w'.repeat(64)}: ${marker.command.join(' ')}\n`);
    const fromProcfile = await landDone(['up', '--no-tui'], procfile);
    expectCleanRejection(fromProcfile, procfile, /^land: Procfile:1: expected a process type of at most 63 characters \(a tier name\), got "w+\.\.\." \(64 characters\)$/);

    const fits = makeProject({ config: { tiers: { ['b'.repeat(63)]: { command: ['true'], restart: { policy: 'never' } } } } });
    const ran = await landDone(['up', '--no-tui', '--no-dashboard', '--exit-with', 'b'.repeat(63)], fits);
    expect(ran.code, ran.stderr).toBe(0);
  }, 60_000);
});
