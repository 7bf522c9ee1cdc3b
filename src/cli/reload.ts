/**
 * `land reload <tier…>` / `--all` (PM2's `reload`): each tier's replicas restarted one at a time, each ready before
 * the next (src/supervisor/rolling-reload.ts); the tiers one after the other, as named (`--all`: every running tier,
 * in dependency order). Each replica is said as its step ends. One that does not become ready stops everything
 * there: the later replicas keep their old process, no later tier is reloaded, exit 8 (EXIT_NOT_UP, as `land up -d`
 * when a tier failed to start); a roll cut short by a later command on the tier or the shutdown: exit 4. Every name
 * is checked before anything is reloaded.
 */
import { requestJson } from '../control/client.js';
import { requestReload } from '../control/reload-client.js';
import { EXIT_CONFLICT, EXIT_LEFT_BEHIND, EXIT_NOT_UP, EXIT_STREAM_LOST } from '../control/exit-codes.js';
import type { ReloadMessage } from '../control/protocol.js';
import { InputError } from '../errors.js';
import { unknownTiers } from '../logs/selection.js';
import { describeLeftovers, type StillRunning } from '../supervisor/left-behind.js';
import type { ReloadStep, StackSnapshot, TierState } from '../supervisor/types.js';
import { asCliError, findTarget, withStack, type TargetOptions } from './control-target.js';

export interface ReloadOptions extends TargetOptions {
  all?: boolean;
}

type Done = Extract<ReloadMessage, { kind: 'done' }>;

/**
 * What `--all` reloads: the tiers (by configured name) of which some instance runs, in the stack's order; no
 * scheduled tier, as `land restart --all` (a run under way finishes; `land reload job` says why).
 */
const RUNNING: ReadonlySet<TierState> = new Set(['starting', 'ready', 'backoff', 'stopping']);

function chosenTiers(names: string[], options: ReloadOptions, snapshot: StackSnapshot): string[] {
  if (options.all) return [...new Set(snapshot.tiers.filter((tier) => RUNNING.has(tier.state) && tier.schedule === undefined).map((tier) => tier.group ?? tier.name))];
  const unknown = names.filter((name) => !snapshot.tiers.some((tier) => tier.name === name || tier.group === name));
  if (unknown.length > 0) throw new InputError(unknownTiers(unknown, snapshot.tiers.map((tier) => tier.name)));
  return [...new Set(names)];
}

const pids = (step: ReloadStep) => (step.before !== undefined ? `pid ${step.before} → ${step.pid ?? 'none'}` : `pid ${step.pid ?? 'none'}`);

function sayStep(step: ReloadStep): void {
  const restarted = `land: ${step.name} ${step.before === undefined ? 'started' : 'restarted'}`;
  if (step.outcome === 'ready') process.stdout.write(`${restarted}, ready (${pids(step)})\n`);
  else if (step.outcome === 'started') process.stdout.write(`${restarted} (${pids(step)}), not waited for\n`);
  else if (step.outcome === 'failed') process.stderr.write(`land: ${step.name} did not become ready: ${step.state} (${step.reason})\n`);
}

/** The tier's outcome in one line: reloaded, or where and why the roll stopped, and what was left as it was. */
function sayDone(tier: string, done: Done): void {
  const [only] = done.steps;
  const cut = done.cut ? `cut short by ${done.cut}` : '';
  if (!done.replicas && only) {
    const line = `land: ${tier} has no replicas: reloaded as a restart`;
    if (done.ok) return void process.stdout.write(`${line} (${pids(only)}, ready)\n`);
    if (only.outcome === 'failed') return void process.stderr.write(`${line}; it did not become ready: ${only.state} (${only.reason})\n`);
    return void process.stderr.write(`${line} (${only.outcome === 'started' ? `${pids(only)}, not waited for` : 'not begun'}): ${cut}\n`);
  }
  const count = done.steps.length;
  if (done.ok) return void process.stdout.write(`land: reloaded ${tier}${count > 1 ? `: ${count} replicas, one at a time` : ''}\n`);
  const untouched = done.steps.filter((step) => step.outcome === 'untouched').map((step) => `${step.name} (${step.pid !== undefined ? `pid ${step.pid}` : step.state})`);
  const rest = untouched.length > 0 ? `; left as ${untouched.length === 1 ? 'it was' : 'they were'}: ${untouched.join(', ')}` : '';
  const failed = done.steps.find((step) => step.outcome === 'failed');
  process.stderr.write(`land: the reload of ${tier} ${failed ? `stopped at ${failed.name}` : `was ${cut}`}${rest}\n`);
}

/**
 * One tier's roll, its replicas' steps said as they come (`replicas`: the name addresses replicas; a tier without
 * is said in one line at the end); resolves with the answer's last line, or throws what the stack refused.
 */
async function reloadTier(tier: string, replicas: boolean, options: TargetOptions): Promise<Done> {
  const said = new Set<string>();
  const onStep = (step: ReloadStep) => {
    if (replicas) sayStep(step);
    said.add(step.name);
  };
  const { done, refused, end } = await withStack(options, ({ socket }) => requestReload(socket, tier, onStep));
  if (refused) throw asCliError(refused, findTarget(options));
  if (!done) {
    if (end === 'lost') throw new InputError(`the stack's answer was cut off before the reload of ${tier} ended (land died?)`, EXIT_STREAM_LOST);
    throw new InputError(`the stack shut down before the reload of ${tier} ended`, EXIT_CONFLICT);
  }
  // A request that joined one already waiting its turn hears no steps: the last line has them all.
  if (done.replicas) for (const step of done.steps) if (!said.has(step.name)) sayStep(step);
  sayDone(tier, done);
  return done;
}

export async function reloadCommand(names: string[], options: ReloadOptions): Promise<number> {
  if (options.all && names.length > 0) throw new InputError(`--all: reloads every running tier; name none (got ${names.join(', ')})`);
  if (!options.all && names.length === 0) throw new InputError('reload: expected a tier name, or --all for every running tier');
  const snapshot = await withStack(options, ({ socket }) => requestJson<StackSnapshot>(socket, 'GET', '/status'));
  const tiers = chosenTiers(names, options, snapshot);
  if (tiers.length === 0) throw new InputError('no tier is running', EXIT_CONFLICT);
  const left: StillRunning[] = [];
  let code = 0;
  for (const [index, tier] of tiers.entries()) {
    const replicas = snapshot.tiers.some((each) => each.group !== undefined && (each.group === tier || each.name === tier));
    const done = await reloadTier(tier, replicas, options);
    left.push(...(done.left ?? []));
    if (done.ok) continue;
    const later = tiers.slice(index + 1);
    if (later.length > 0) process.stderr.write(`land: not reloaded: ${later.join(', ')}\n`);
    // Cut short (a later command on the tier, the shutdown): a conflict, as for a command the shutdown refuses.
    code = done.cut ? EXIT_CONFLICT : EXIT_NOT_UP;
    break;
  }
  // What this command's own stops gave up on, as `land restart` says it.
  const lines = left.flatMap((entry) => describeLeftovers(`tier ${entry.tier}`, entry, 'still there after SIGKILL'));
  for (const line of lines) process.stderr.write(`land: ${line}\n`);
  return code !== 0 ? code : lines.length > 0 ? EXIT_LEFT_BEHIND : 0;
}
