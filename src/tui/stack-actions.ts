/**
 * What the UI's keys ask of the stack: start, stop or restart a tier, scale a replica group, quit. Each call says
 * what it is doing in the status line, then how it ended (unless the UI is gone by then).
 */
import { oneLine } from '../errors.js';
import type { ReloadStep, SupervisorControl } from '../supervisor/types.js';
import type { ScaleAction, TierAction } from './actions.js';
import type { Status } from './components/footer.js';

const VERBS: Record<'start' | 'stop' | 'restart' | 'reload', readonly [string, string]> = {
  start: ['starting', 'started'],
  stop: ['stopping', 'stopped'],
  restart: ['restarting', 'restarted'],
  reload: ['reloading', 'reloaded'],
};

type Reloaded = Awaited<ReturnType<NonNullable<SupervisorControl['reloadTier']>>>;

/** A roll's end in the status line, as `land reload` says it: an error unless every step became ready. */
function reloadOutcome(name: string, result: Reloaded): [string, Status['kind']?] {
  const { replicas, steps, cut } = result;
  if (steps.every((step) => step.outcome === 'ready')) {
    if (!replicas) return [`${name} has no replicas: reloaded as a restart`];
    return [`reloaded ${name}${steps.length > 1 ? `: ${steps.length} replicas, one at a time` : ''}`];
  }
  const failed = steps.find((step: ReloadStep) => step.outcome === 'failed');
  const why = failed ? `stopped at ${failed.name} (${failed.state})` : `was cut short by ${cut ?? 'a later command'}`;
  return [`the reload of ${name} ${why}`, 'error'];
}

export interface StackActionContext {
  control: SupervisorControl;
  mode: 'up' | 'watch';
  say: (text: string, kind?: Status['kind']) => void;
  /** Whether the UI is still there to say how a call ended. */
  mounted: () => boolean;
  /** A refresh soon (the stack changes). */
  mark: () => void;
  /** A refresh now. */
  refresh: () => void;
  /** Leave the UI. */
  finish: () => void;
  /**
   * Ctrl-C during the shutdown: SIGKILL every tree and exit 130 at once (boot.ts, as a second Ctrl-C without the UI).
   * Absent where the UI runs no stack of its own (a view that only watches one, tests).
   */
  killNow?: () => void;
  quittingRef: { readonly current: boolean };
  setQuitting: (quitting: boolean) => void;
}

/** `call()` as a promise (a synchronous throw rejects it), its end said unless the UI is gone. */
function report(ctx: StackActionContext, call: () => Promise<unknown>, done: () => void, failed: (why: string) => void): void {
  let promise: Promise<unknown>;
  try {
    promise = call();
  } catch (error) {
    promise = Promise.reject(error);
  }
  promise.then(
    () => ctx.mounted() && done(),
    (error: unknown) => ctx.mounted() && failed(oneLine(error)),
  );
}

export function stackActions(ctx: StackActionContext) {
  const { control, say } = ctx;

  const runAction = (action: TierAction): void => {
    if (action.kind === 'refuse') return say(action.message, 'error');
    if (action.kind === 'reload') return reload(action.tier);
    const [doing, done] = VERBS[action.kind];
    const name = action.tier;
    say(`${doing} ${name}…`);
    const call = { start: control.startTier, stop: control.stopTier, restart: control.restartTier }[action.kind];
    report(
      ctx,
      () => call.call(control, name),
      () => say(`${done} ${name}`),
      (why) => say(`${action.kind} ${name} failed: ${why}`, 'error'),
    );
    ctx.mark();
  };

  /** `l`: the supervisor's `reloadTier`, as `land reload <tier>` / POST /tiers/<tier>/reload. */
  const reload = (name: string): void => {
    if (!control.reloadTier) return say('this view cannot reload tiers: use `land reload` in a shell', 'error');
    say(`reloading ${name}…`);
    let result: Reloaded | undefined;
    report(
      ctx,
      async () => (result = await control.reloadTier!(name)),
      () => say(...reloadOutcome(name, result!)),
      (why) => say(`reload ${name} failed: ${why}`, 'error'),
    );
    ctx.mark();
  };

  /** `+` / `-` on a replica: scale its tier by one. */
  const scaleSelected = (action: ScaleAction): void => {
    if (action.kind === 'refuse') return say(action.message, 'error');
    if (!control.scaleTier) return say('this view cannot scale tiers', 'error');
    const { group, count } = action;
    say(`scaling ${group} to ${count}…`);
    report(
      ctx,
      () => control.scaleTier!(group, count),
      () => say(`${group} runs ${count} replica${count === 1 ? '' : 's'}`),
      (why) => say(`scale ${group} failed: ${why}`, 'error'),
    );
    ctx.mark();
  };

  /** `R`: every running tier, dependents stopped first, started again in dependency order (`land restart --all`). */
  const restartAll = (): void => {
    if (!control.restartAll) return say('this view cannot restart every tier', 'error');
    say('restarting every running tier in dependency order…');
    report(
      ctx,
      () => control.restartAll!(),
      () => say('restarted every running tier'),
      (why) => say(`restart all failed: ${why}`, 'error'),
    );
    ctx.mark();
  };

  /**
   * `q` or Ctrl-C: a graceful shutdown, its progress on screen. During it, `q` only says it is under way; Ctrl-C
   * (`interrupt`) cuts it short where the UI can (killNow), as the README's exit code 130 promises.
   */
  const quit = (how?: 'interrupt'): void => {
    if (ctx.mode === 'watch') return ctx.finish();
    // The hint fits the status line at 80 columns.
    const again = ' (Ctrl-C again kills every tier now)';
    if (ctx.quittingRef.current) {
      if (how === 'interrupt' && ctx.killNow) {
        say('Ctrl-C again: killing every tier now', 'error');
        return ctx.killNow();
      }
      return say(ctx.killNow ? `already shutting down${again}` : 'already shutting down — waiting for the tiers to stop');
    }
    ctx.setQuitting(true);
    say(ctx.killNow ? `shutting down in reverse dependency order…${again}` : 'shutting down: stopping tiers in reverse dependency order…');
    const ended = (text: string, kind?: Status['kind']) => {
      say(text, kind);
      ctx.refresh();
      ctx.finish();
    };
    report(
      ctx,
      () => control.shutdown('quit from the UI'),
      () => ended('stack stopped'),
      (why) => ended(`shutdown failed: ${why}`, 'error'),
    );
  };

  return { runAction, scaleSelected, restartAll, quit };
}
