// `npm run bench [-- --quick] [-- --only boot,memory] [-- --rounds N]`: land against the floor and the peers.
// `npm run bench` builds land first; this file only measures and writes bench/results/latest.{json,md}.
import { cpus, freemem, loadavg, release, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { availability, closeAll, CONTENDER_IDS } from './lib/contenders.mjs';
import { openHub } from './lib/hub.mjs';
import { writeResults } from './lib/results.mjs';
import { killStrays } from './lib/session.mjs';
import { evaluateTargets } from './lib/targets.mjs';
import { stopTmux } from './lib/tmux.mjs';
import { ensureTools, landVersion } from './lib/tools.mjs';

const SCENARIOS = ['cold-start', 'boot', 'log-relay', 'memory', 'shutdown', 'telemetry', 'ui-cost', 'dashboard', 'receiver'];

function parseArgs(argv) {
  const options = { quick: false, only: SCENARIOS, rounds: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') options.quick = true;
    else if (arg === '--only') options.only = argv[++i].split(',');
    else if (arg === '--rounds') options.rounds = Number(argv[++i]);
    else if (arg === '--sizes') options.sizes = argv[++i].split(',').map(Number);
    else if (arg === '--lines') options.lines = Number(argv[++i]);
    else if (arg === '--contenders') options.contenders = argv[++i].split(',');
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write('usage: node bench/run.mjs [--quick] [--only <scenario,…>] [--rounds <n>] [--sizes 8,64] [--lines 250000] [--contenders land,pm2,…]\n');
      process.stdout.write(`scenarios: ${SCENARIOS.join(', ')}\n`);
      process.exit(0);
    } else throw new Error(`unknown option ${arg}`);
  }
  const unknown = options.only.filter((name) => !SCENARIOS.includes(name));
  if (unknown.length > 0) throw new Error(`unknown scenario(s) ${unknown.join(', ')} (known: ${SCENARIOS.join(', ')})`);
  return options;
}

function machine() {
  return {
    nproc: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
    freeMemoryGiB: Number((freemem() / 2 ** 30).toFixed(1)),
    node: process.version,
    kernel: release(),
    platform: `${process.platform}-${process.arch}`,
  };
}

const log = (text) => process.stderr.write(`${text}\n`);

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const loadBefore = loadavg();
  log(`bench: ${options.quick ? 'quick' : 'full'} run · scenarios ${options.only.join(', ')} · load ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`);
  const tools = ensureTools(log);
  const contenders = availability(tools);
  for (const [id, state] of Object.entries(contenders)) if (!state.ok) log(`bench: ${id} cannot run: ${state.reason}`);
  const hub = await openHub();
  const ctx = {
    hub,
    quick: options.quick,
    rounds: options.rounds ?? (options.quick ? 2 : 5),
    sizes: options.sizes ?? [8, 64],
    /** --quick: one round of the 64-wide runs (where the peers take longest), the set rounds of the others. */
    roundsFor: (n) => (options.quick && !options.rounds && n >= 64 ? 1 : options.rounds ?? (options.quick ? 2 : 5)),
    floodLines: options.lines,
    /** The contenders of a scenario that can run here. --quick leaves land's UI to its own scenario (ui-cost). */
    ids: (wanted) =>
      wanted.filter(
        (id) => contenders[id]?.ok && !(options.quick && id === 'land-ui') && (!options.contenders || options.contenders.includes(id)),
      ),
    available: (id) => Boolean(contenders[id]?.ok),
    log,
  };
  const scenarios = [];
  // Ctrl-C: nothing of the bench may outlive it.
  process.once('SIGINT', () => {
    log('bench: interrupted, cleaning up …');
    void closeAll().finally(() => {
      killStrays();
      stopTmux();
      process.exit(130);
    });
  });
  try {
    for (const name of options.only) {
      log(`bench: ${name}`);
      const module = await import(`./scenarios/${name}.mjs`);
      const t0 = performance.now();
      const result = await module.run(ctx);
      result.durationS = Number(((performance.now() - t0) / 1000).toFixed(1));
      scenarios.push(result);
    }
  } finally {
    await closeAll();
    const strays = killStrays();
    if (strays > 0) log(`bench: killed ${strays} stray process(es) left by the runs`);
    stopTmux();
    await hub.close();
  }
  const meta = {
    startedAt,
    durationS: Number(((performance.now() - started) / 1000).toFixed(1)),
    // The harness's own CPU (polling /proc, checking lines): what it took from the machine it measures on.
    harnessCpuS: Number(((process.cpuUsage().user + process.cpuUsage().system) / 1e6).toFixed(1)),
    quick: options.quick,
    rounds: ctx.rounds,
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    machine: machine(),
    loadavg: { before: loadBefore.map((l) => Number(l.toFixed(2))), after: loadavg().map((l) => Number(l.toFixed(2))) },
    versions: {
      land: landVersion(),
      concurrently: tools.concurrently?.version,
      pm2: tools.pm2?.version,
      mprocs: tools.mprocs?.version,
      nf: tools.nf?.version,
      foreman: tools.foreman?.version,
      supervisord: tools.supervisord?.version,
      tmux: tools.tmux?.version,
    },
    contenders: Object.fromEntries(CONTENDER_IDS.map((id) => [id, contenders[id]])),
  };
  const targets = evaluateTargets(scenarios);
  // A run of some scenarios only must not pass for the whole picture.
  const complete = SCENARIOS.every((name) => options.only.includes(name)) && !options.sizes && !options.lines && !options.rounds && !options.contenders;
  const files = writeResults({ meta, scenarios, targets }, complete ? 'latest' : 'partial');
  log(`bench: done in ${meta.durationS} s → ${files.join(', ')}`);
}

main().then(
  () => process.exit(0),
  (error) => {
    log(`bench: ${error instanceof Error ? error.stack : error}`);
    process.exit(1);
  },
);
