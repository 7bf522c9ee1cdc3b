/** Compose's and PM2's words (`ps`, `ls`, `logs --tail`, `stop` alone) get one line naming land's own, exit 2. */
import { afterAll, describe, expect, it } from 'vitest';
import { landDone, makeProject, removeProjects } from '../helpers/land.js';

afterAll(removeProjects);

describe('hints for habits of other tools', () => {
  it('says the land command for each, in place of a guess by spelling', async () => {
    const dir = makeProject({ config: { tiers: { api: { command: ['sleep', '60'] } } } });
    const cases: Array<[string[], string]> = [
      [['ps'], "land: unknown command 'ps' (did you mean status? `land status` shows each tier, as `docker compose ps` does)"],
      [['ls'], "land: unknown command 'ls' (did you mean status? `land status` shows each tier, as `pm2 ls` does)"],
      [['logs', '--tail', '5'], "land: logs: unknown option '--tail' (did you mean -n? `land logs -n 5` gives the last 5 lines of each tier, as `docker compose logs --tail 5` does)"],
      [['logs', '--tail=5'], "land: logs: unknown option '--tail=5' (did you mean -n? `land logs -n 5` gives the last 5 lines of each tier, as `docker compose logs --tail 5` does)"],
      [['stop'], "land: stop: missing required argument 'tier' (`land down` stops the whole stack, as `docker compose stop` does)"],
      // Other mistakes keep commander's own guess.
      [['lgs'], "land: unknown command 'lgs' (did you mean logs?)"],
    ];
    for (const [args, said] of cases) {
      const result = await landDone(args, dir);
      expect([result.code, result.stdout, result.stderr], args.join(' ')).toEqual([2, '', `${said}\n`]);
    }
  });
});
