/**
 * What the UI's keys ask of the stack: start, stop or restart a tier, scale a replica group, quit. Each call says
 * what it is doing in the status line, then how it ended (unless the UI is gone by then).
 */
import { oneLine } from '../errors.js';
import type { SupervisorControl } from '../supervisor/types.js';
import type { ScaleAction, TierAction } from './actions.js';
import type { Status } from './components/footer.js';

const VERBS: Record<'start' | 'stop' | 'restart', readonly [string, string]> = {
  start: ['starting', 'started'],
  stop: ['stopping', 'stopped'],
  restart: ['restarting', 'restarted'],
};

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
