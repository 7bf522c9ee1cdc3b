/** Compose's and PM2's words (`ps`, `ls`, `logs --tail`, `stop` alone) get one line naming land's own, exit 2. */
import { afterAll, describe, expect, it } from 'vitest';
import { landDone, makeProject, removeProjects } from '../helpers/land.js';

afterAll(removeProjects);

describe('hints for habits of other tools', () => {
  it('says the land command for each, in place of a guess by spelling', async () => {
    const dir = makeProject({
      config: { tiers: { api: { command: ['sleep', '60'] } } },
      files: { 'process-compose.yaml': 'processes:\n  web:\n    command: sleep 1\n', 'ecosystem.config.js': "module.exports = { apps: [{ name: 'web', script: 'web.js' }] };\n" },
    });
    const cases: Array<[string[], string]> = [
      [['ps'], "land: unknown command 'ps' (did you mean status? `land status` shows each tier, as `docker compose ps` does)"],
      [['ls'], "land: unknown command 'ls' (did you mean status? `land status` shows each tier, as `pm2 ls` does)"],
      [['logs', '--tail', '5'], "land: logs: unknown option '--tail' (did you mean -n? `land logs -n 5` gives the last 5 lines of each tier, as `docker compose logs --tail 5` does)"],
      [['logs', '--tail=5'], "land: logs: unknown option '--tail=5' (did you mean -n? `land logs -n 5` gives the last 5 lines of each tier, as `docker compose logs --tail 5` does)"],
      [['stop'], "land: stop: missing required argument 'tiers' (`land down` stops the whole stack, as `docker compose stop` does)"],
      [['monit'], "land: unknown command 'monit' (did you mean watch? `land watch` is the live terminal UI on the running stack, as `pm2 monit` is; `land status` a snapshot)"],
      [['top'], "land: unknown command 'top' (did you mean watch? `land watch` is the live view of each tier; `land status` a snapshot)"],
      [['show', 'api'], "land: unknown command 'show' (did you mean status? `land status <tier>` shows one tier, as `pm2 show` does)"],
      [['describe', 'api'], "land: unknown command 'describe' (did you mean status? `land status <tier>` shows one tier, as `pm2 describe` does)"],
      [['delete', 'api'], "land: unknown command 'delete' (did you mean stop or down? `land stop <tier>` stops a tier, `land down` the whole stack (land keeps no process list to delete from))"],
      [['kill'], "land: unknown command 'kill' (did you mean down? `land down` stops the stack and everything land started, as `pm2 kill` does)"],
      [['save'], "land: unknown command 'save' (did you mean startup? `land startup` starts the stack at boot, what `pm2 save` + `pm2 startup` do)"],
      [['exec', 'api', 'ls'], "land: unknown command 'exec' (did you mean run? `land run -- <command>` runs a command with a tier's environment, as `docker compose exec` does in a service)"],
      [['up', '--scale', 'api=2'], "land: up: unknown option '--scale' (a tier runs several with `replicas: N` in its config, and `land scale <tier> <N>` changes that on the running stack; with a Procfile, `land up -m web=2`)"],
      [['up', '--wait'], "land: up: unknown option '--wait' (`land up -d` returns once every tier is up (exit 8 when one is not), as `docker compose up -d --wait` does)"],
      [['env', 'api'], "land: unknown command 'env' (the environment land gives a tier: its detail in the dashboard (`land dashboard`, secrets masked), or `land run --tier <tier> -- env` prints it as a command started with it gets it, as `pm2 env` does)"],
      // PM2's logs --err/--out and --grep, restart --update-env.
      [['logs', '--err'], "land: logs: unknown option '--err' (`land logs --json` gives each line's stream: `land logs api --json | jq -r 'select(.stream == \"stderr\") | .line'`; the dashboard's Logs page filters by stream)"],
      [['logs', 'api', '--out'], "land: logs: unknown option '--out' (`land logs --json` gives each line's stream: `land logs api --json | jq -r 'select(.stream == \"stdout\") | .line'`; the dashboard's Logs page filters by stream)"],
      [['logs', '--grep', 'x'], "land: logs: unknown option '--grep' (pipe it: `land logs api | grep x` (with -f too, `grep --line-buffered` to pass each line on at once))"],
      [['restart', 'api', '--update-env'], "land: restart: unknown option '--update-env' (`land apply` reads the config and env files again and restarts each tier whose environment changed; `land restart` keeps the environment the stack started with)"],
      [['scale', 'api', '0'], 'land: <replicas>: expected a whole number 1..64, got "0" (`land stop api` stops every replica)'],
      // Another tool's file given as the config: what converts it.
      [['up', '-c', 'process-compose.yaml'], 'land: process-compose.yaml: expected a .ts, .mts, .js or .mjs config file; `land init --from process-compose.yaml` converts it to land.config.ts'],
      [['up', '-c', 'ecosystem.config.js'], 'land: ecosystem.config.js: apps: a PM2 ecosystem file, not a land config: `land init --from ecosystem.config.js` converts it to land.config.ts'],
      // Other mistakes keep commander's own guess.
      [['lgs'], "land: unknown command 'lgs' (did you mean logs?)"],
    ];
    for (const [args, said] of cases) {
      const result = await landDone(args, dir);
      expect([result.code, result.stdout, result.stderr], args.join(' ')).toEqual([2, '', `${said}\n`]);
    }
    const check = await landDone(['check', '-c', 'ecosystem.config.js'], dir);
    expect(check.code).toBe(2);
    expect(check.stdout).toBe('ecosystem.config.js: apps: a PM2 ecosystem file, not a land config: `land init --from ecosystem.config.js` converts it to land.config.ts\n');
  });
});
