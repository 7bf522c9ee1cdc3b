/**
 * `land <command>` builds only that command (src/cli/commands/index.ts): its help and its mistakes must read as they
 * do from the whole program, which `land --help`, `land help <command>` and an unknown command still build.
 */
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { COMMANDS } from '../../src/cli/commands/index.js';

/** What main() printed (stdout, stderr) and returned for `argv`. */
async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true)),
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((err += String(chunk)), true)),
  ];
  try {
    const code = await main(argv);
    return { code, out, err };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

describe('the commands a command line builds', () => {
  it('lists every command in `land --help`, in the order of the registry', async () => {
    const { code, out } = await run(['--help']);
    expect(code).toBe(0);
    const listed = out
      .split('Commands:\n')[1]!
      .split('\n')
      .map((line) => /^ {2}(\S+)/.exec(line)?.[1])
      .filter((name) => name !== undefined && name !== 'help');
    expect(listed).toEqual([
      'up', 'status', 'spawn', 'start', 'scale', 'stop', 'restart', 'apply', 'reload', 'logs', 'attach', 'send', 'down',
      'watch', 'dashboard', 'run', 'check', 'init', 'profiles', 'trace', 'export', 'startup', 'unstartup', 'completion',
    ]);
  });

  it("prints each command's help alone as the whole program prints it", async () => {
    for (const name of COMMANDS.keys()) {
      const alone = await run([name, '--help']);
      const whole = await run(['help', name]);
      expect(alone, name).toEqual(whole);
      expect(alone.out, name).toContain(`Usage: land ${name} `);
    }
  });

  it('builds only the command named first, and every command for help or a mistake', async () => {
    const built = vi.spyOn(Command.prototype, 'command');
    await run(['status', '--help']);
    expect(built.mock.calls.map(([name]) => String(name))).toEqual(['status']);
    built.mockClear();
    const unknown = await run(['lgs']);
    expect([unknown.code, unknown.err]).toEqual([2, "land: unknown command 'lgs' (did you mean logs?)\n"]);
    expect(built.mock.calls).toHaveLength(COMMANDS.size);
  });

  it('says a mistake of a command built alone as before: one line naming the command, exit 2', async () => {
    expect(await run(['up', '--profil', 'x'])).toEqual({ code: 2, out: '', err: "land: up: unknown option '--profil' (did you mean --profile?)\n" });
    expect(await run(['up', '-v'])).toEqual({ code: 2, out: '', err: "land: up: unknown option '-v' (land has no verbose flag; `land -v` prints land's version)\n" });
  });
});
