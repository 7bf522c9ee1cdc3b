/**
 * `land spawn <tier>`: with a stack running here, start that tier inside it (same boot, same trace, a new spawn
 * span; the profile's gate is overridden); with none, run just that tier in the foreground as `land up` would, under
 * --profile, until it ends (foreground-tier.ts) or Ctrl-C.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { requestJson } from '../control/client.js';
import { EXIT_CONFLICT } from '../control/exit-codes.js';
import { probeSocket } from '../control/listen.js';
import type { CommandResult } from '../control/protocol.js';
import type { DependencyCondition } from '../config/types.js';
import { InputError } from '../errors.js';
import { ControlError } from '../supervisor/control-error.js';
import type { StackSnapshot, TierSnapshot } from '../supervisor/types.js';
import { findTarget, withStack, type Target, type TargetOptions } from './control-target.js';
import { foregroundTier } from './foreground-tier.js';
import { pipeOwnStdin } from './spawn-stdin.js';
import { unknownTiers } from '../logs/selection.js';

export interface SpawnOptions extends TargetOptions {
  profile?: string;
  withDeps?: boolean;
  controlPort?: number;
}

const ALIVE = new Set(['starting', 'ready', 'stopping']);
const GIVEN_UP = new Set(['failed', 'crashed', 'stopped', 'disabled']);

function met(tier: TierSnapshot, condition: DependencyCondition): boolean {
  if (condition === 'completed') return tier.state === 'exited' && tier.lastExit?.code === 0;
  if (condition === 'ready') return tier.state === 'ready';
  return ALIVE.has(tier.state) || tier.state === 'exited';
}

function find(snapshot: StackSnapshot, name: string): TierSnapshot {
  const tier = snapshot.tiers.find((candidate) => candidate.name === name);
  if (!tier) throw new ControlError('unknown-tier', unknownTiers([name], snapshot.tiers.map((t) => t.name)));
  return tier;
}

/** The tier's transitive dependencies with the condition each must reach, in dependency order. */
function dependenciesOf(snapshot: StackSnapshot, name: string): Map<string, DependencyCondition> {
  const found = new Map<string, DependencyCondition>();
  const visit = (tierName: string) => {
    for (const [dep, condition] of Object.entries(find(snapshot, tierName).dependsOn)) {
      if (found.has(dep)) continue;
      found.set(dep, condition as DependencyCondition);
      visit(dep);
    }
  };
  visit(name);
  const order = snapshot.tiers.map((tier) => tier.name);
  return new Map([...found].sort(([a], [b]) => order.indexOf(a) - order.indexOf(b)));
}

/** --with-deps into a running stack: start each dependency that is not running and wait for its condition. */
async function startDependencies(socket: string, snapshot: StackSnapshot, name: string): Promise<void> {
  for (const [dep, condition] of dependenciesOf(snapshot, name)) {
    let tier = find(await requestJson<StackSnapshot>(socket, 'GET', '/status'), dep);
    if (met(tier, condition)) continue;
    if (!ALIVE.has(tier.state) && tier.state !== 'backoff' && tier.state !== 'pending') {
      await requestJson<CommandResult>(socket, 'POST', `/tiers/${encodeURIComponent(dep)}/spawn`);
    }
    while (!met(tier, condition)) {
      await sleep(100);
      tier = find(await requestJson<StackSnapshot>(socket, 'GET', '/status'), dep);
      const exitedBadly = tier.state === 'exited' && condition === 'completed' && tier.lastExit?.code !== 0;
      if (GIVEN_UP.has(tier.state) || exitedBadly) {
        throw new InputError(`dependency ${dep} ${tier.state} before it was ${condition} (${tier.reason})`, EXIT_CONFLICT);
      }
    }
  }
}

/**
 * A land that is booting the stack here (it holds the folder, its socket does not answer yet): the spawn waits for
 * it and goes into its stack, as `land down` and `land status` wait (no-stack.ts), instead of starting the tier
 * alone and being refused by the claim (exit 4). Said on stderr, since the wait may last the boot's seconds.
 */
async function bootingLand(target: Target, tier: string): Promise<boolean> {
  // Loaded only here: the pid file's module brings the process-tree code.
  const { liveOrElsewhere, readPidRecord } = await import('../supervisor/pidfile.js');
  const land = liveOrElsewhere(readPidRecord(target.rootDir));
  if (!land?.booting) return false;
  // A `land up -d` still checking the inputs is not the stack's land: its pid and boot would name no land.
  const who = land.handsOver ? `\`land up -d\` pid ${land.pid}` : `land pid ${land.pid}, boot ${land.bootId}`;
  process.stderr.write(`land: the stack here is starting (${who}): ${tier} is spawned into it once it answers\n`);
  return true;
}

export async function spawnCommand(tier: string, options: SpawnOptions): Promise<number> {
  const target = findTarget(options);
  const live = async () => (await probeSocket(target.socket)) === 'live';
  // Probed again after the pid file: a land that stopped booting in between has its socket bound by then.
  if (!(await live()) && !(await bootingLand(target, tier)) && !(await live())) {
    const { upCommand } = await import('./up.js');
    return upCommand({
      config: options.config,
      procfile: options.procfile,
      profile: options.profile,
      tui: false,
      only: [tier],
      withDeps: options.withDeps,
      controlPort: options.controlPort,
      until: async (supervisor, plan) => {
        // A `stdin: true` tier run alone reads land's own stdin (spawn-stdin.ts).
        const stop = plan.config.tiers.find((one) => one.name === tier)?.stdin ? pipeOwnStdin(supervisor, tier) : undefined;
        try {
          return await foregroundTier(supervisor, plan, tier);
        } finally {
          stop?.();
        }
      },
    });
  }
  return withStack(options, async ({ socket }) => {
    const snapshot = await requestJson<StackSnapshot>(socket, 'GET', '/status');
    if (options.profile !== undefined && options.profile !== snapshot.profile) {
      throw new InputError(
        `the stack running here uses profile ${snapshot.profile} (boot ${snapshot.bootId}): spawn into it without --profile, or stop it with \`land down\``,
        EXIT_CONFLICT,
      );
    }
    if (options.withDeps) await startDependencies(socket, snapshot, tier);
    const result = await requestJson<CommandResult>(socket, 'POST', `/tiers/${encodeURIComponent(tier)}/spawn`);
    const pid = result.tier.pid !== undefined ? `, pid ${result.tier.pid}` : '';
    process.stdout.write(`land: spawned ${tier} in boot ${snapshot.bootId} (${result.tier.state}${pid})\n`);
    return 0;
  });
}
