/**
 * A secret in a command's arguments is masked alike whether the command is given as arguments or as a shell line:
 * curl's `-u user:pw` and `--user=user:pw` (each of several), mysql's `-ppw`, the value after `--token`; in the
 * dashboard's tier detail (command, probe, stop command) of a running stack.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { makeProject, removeProjects, type LandRun } from '../helpers/land.js';
import { cleanUp } from '../control/helpers.js';
import { call, login, upWithDashboard } from './helpers.js';

const runs: LandRun[] = [];
afterAll(async () => {
  await cleanUp(runs);
  removeProjects();
});

const SECRETS = ['sekretA', 'sekretB', 'sekretC', 'sekretD', 'sekretE', 'sekretF'];
const SCRIPT = 'echo up; exec sleep 60';

describe('the dashboard masks a command the same in both forms', () => {
  it('argv and shell line: no secret in /api/tiers/<tier>, each masked in place', { timeout: 90_000 }, async () => {
    const dir = makeProject({
      config: {
        app: 'mask',
        tiers: {
          argv: {
            // sh ignores the words after its script ($0, $1, …): they stand for a real client's arguments.
            command: ['sh', '-c', SCRIPT, 'curl', '-u', 'bob:sekretA', '--user=bob:sekretB', 'mysql', '-psekretC', '--token', 'sekretD here'],
            ready: { exec: ['sh', '-c', 'exit 0', 'mysql', '-psekretE'] },
            stop: { command: ['sh', '-c', 'exit 0', 'curl', '-u', 'admin:sekretF'] },
          },
          shell: {
            command: `${SCRIPT} || curl -u bob:sekretA --user=bob:sekretB http://x; mysql -psekretC --token 'sekretD here'`,
            shell: true,
            ready: { exec: ['sh', '-c', 'exit 0 || mysql -psekretE'] },
            stop: { command: 'exit 0 || curl -u admin:sekretF http://x' },
          },
        },
      },
    });
    const { run, url, port } = await upWithDashboard(dir);
    runs.push(run);
    await run.waitFor(/shell: starting → ready/);
    await run.waitFor(/argv: starting → ready/);
    const cookie = await login(port, url);
    const detail = async (tier: string) => {
      const answer = await call(port, `/api/tiers/${tier}`, { headers: { cookie } });
      expect(answer.status).toBe(200);
      for (const secret of SECRETS) expect(answer.body, `${tier}: ${secret}`).not.toContain(secret);
      return JSON.parse(answer.body) as { command: string[]; ready: string; stop: string };
    };
    const argv = await detail('argv');
    expect(argv.command).toEqual(['sh', '-c', SCRIPT, 'curl', '-u', 'bob:***', '--user=bob:***', 'mysql', '-p***', '--token', '***']);
    expect(argv.ready).toContain('mysql -p***');
    expect(argv.stop).toContain('curl -u admin:***');
    const shell = await detail('shell');
    expect(shell.command).toEqual([`${SCRIPT} || curl -u bob:*** --user=bob:*** http://x; mysql -p*** --token ***`]);
    expect(shell.ready).toContain('mysql -p***');
    expect(shell.stop).toContain('curl -u admin:***');
    expect((await run.stop()).code).toBe(0);
    for (const secret of SECRETS) expect(run.output).not.toContain(secret);
  });
});

describe("the dashboard masks a shell tier's line", () => {
  // A tester's line: a variable assigned before the command, a URL's password, a `--password=` option, a Bearer
  // header, and a stop command that echoes `token=…` after `;`.
  const LINE_SECRETS = ['supersecret1', 'hunter2', 'hunter3', 'tok4567', 'stoptok99'];
  it('its variables, URL, options and header in /api/tiers/<tier>, each masked in place', { timeout: 90_000 }, async () => {
    const dir = makeProject({
      config: {
        app: 'mask-line',
        tiers: {
          line: {
            // The inner sh ignores the words after its script, which stand for a real client's options.
            command: `echo up; API_TOKEN=supersecret1 DB=postgres://u:hunter2@h/db exec sh -c 'exec sleep 1000' --password=hunter3 -H "Authorization: Bearer tok4567"`,
            shell: true,
            ready: { log: 'up' },
            // exit 0 first: the echo is never run, so only the line as shown could leak the value.
            stop: { command: 'exit 0; echo token=stoptok99' },
          },
        },
      },
    });
    const { run, url, port } = await upWithDashboard(dir);
    runs.push(run);
    await run.waitFor(/line: starting → ready/);
    const cookie = await login(port, url);
    const answer = await call(port, '/api/tiers/line', { headers: { cookie } });
    expect(answer.status).toBe(200);
    for (const secret of LINE_SECRETS) expect(answer.body, secret).not.toContain(secret);
    const detail = JSON.parse(answer.body) as { command: string[]; stop: string };
    expect(detail.command).toEqual([`echo up; API_TOKEN=*** DB=postgres://u:***@h/db exec sh -c 'exec sleep 1000' --password=*** -H "Authorization: Bearer ***"`]);
    expect(detail.stop).toContain('echo token=***');
    expect((await run.stop()).code).toBe(0);
    for (const secret of LINE_SECRETS) expect(run.output).not.toContain(secret);
  });
});
