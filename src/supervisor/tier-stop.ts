/** A tier's life ending: stopping its whole tree, its exit, and whether (and when) it starts again. */
import { setTimeout as sleep } from 'node:timers/promises';
import { signalGroup, signalTree, treePids, type TreeTarget } from './process-tree.js';
import type { Life } from './tier-base.js';
import { TierRun } from './tier-run.js';

export abstract class TierStop extends TierRun {
  protected treeTarget(life: Life): TreeTarget {
    // TRACEPARENT is unique to one start, so the marks never match a newer life or another tier.
    return { pid: life.pid, marks: { LAND_BOOT_ID: this.runtime.bootId, TRACEPARENT: life.span.traceparent } };
  }

  /** Stop signal to the tree, SIGKILL after the tier's timeout. */
  protected killLife(life: Life): void {
    void this.terminateTree(this.treeTarget(life), life);
  }

  /**
   * The tier's stop signal to the tree, then SIGKILL after its timeout. With a live leader, its exit is awaited (an
   * event, no polling): what it leaves behind is then onExit's to clear.
   */
  protected async terminateTree(target: TreeTarget, life?: Life): Promise<void> {
    const { signal, timeoutMs } = this.config.stop;
    if (life) {
      signalGroup(life.pid, signal);
      const timeout = sleep(timeoutMs, 'timeout' as const, { signal: life.abort.signal }).catch(() => 'exited' as const);
      if ((await Promise.race([life.exited.then(() => 'exited' as const), timeout])) === 'timeout') signalTree(target, 'SIGKILL');
      return;
    }
    signalTree(target, signal);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (treePids(target).length === 0) return;
      await sleep(20);
    }
    signalTree(target, 'SIGKILL');
  }

  protected async onExit(life: Life, code: number | null, signal: NodeJS.Signals | null): Promise<void> {
    const at = Date.now();
    life.abort.abort(new Error('exited'));
    // What the leader left behind dies with it: a restart must not meet its own stale grandchildren.
    if (treePids(this.treeTarget(life)).length > 0) await this.terminateTree(this.treeTarget(life));
    await life.ended;
    this.life = undefined;
    this.lastExit = { code, signal, at };
    const uptimeMs = at - life.startedAt;
    const crashed = !life.stopRequested && (code !== 0 || signal !== null || life.probeFailed);
    const why = life.stopRequested ? 'requested' : life.probeFailed ? 'probe-failed' : crashed ? 'crashed' : 'completed';
    const status = signal ? `signal ${signal}` : `code ${code}`;
    if (!this.wasReady) life.span.end({ ok: !crashed && !life.stopRequested, reason: `exited with ${status}` });
    this.runtime.emit({
      type: 'exit',
      tier: this.name,
      pid: life.pid,
      code,
      signal,
      at,
      uptimeMs,
      timeToReadyMs: this.wasReady ? this.timeToReadyMs : undefined,
      restarts: this.restarts,
      why,
    });
    if (life.stopRequested) return this.setState('stopped', life.stopReason);
    if (crashed && why === 'crashed') {
      this.runtime.emit({ type: 'error', tier: this.name, tag: 'crash', message: `exited with ${status}`, at });
    }
    if (this.state !== 'crashed' || why === 'crashed') {
      this.setState(crashed ? 'crashed' : 'exited', crashed ? `exited with ${status}` : 'completed with code 0');
    }
    this.afterExit(crashed, uptimeMs);
  }

  protected afterExit(crashed: boolean, uptimeMs: number): void {
    const decision = this.budget.decide({ crashed, uptimeMs });
    if (!decision.restart) {
      if (decision.budgetSpent) {
        this.runtime.emit({ type: 'error', tier: this.name, tag: 'restart-budget', message: decision.reason, at: Date.now() });
      }
      if (crashed) this.setState('failed', decision.reason);
      return;
    }
    this.scheduleRestart(decision.delayMs);
  }

  protected scheduleRestart(delayMs: number): void {
    const backoff = new AbortController();
    this.backoff = backoff;
    this.nextRestartAt = Date.now() + delayMs;
    this.setState('backoff', `restarting in ${delayMs < 1000 ? `${delayMs} ms` : `${(delayMs / 1000).toFixed(1)} s`}`);
    sleep(delayMs, undefined, { signal: backoff.signal })
      .then(() => {
        this.backoff = undefined;
        this.restarts += 1;
        this.spawn(`restart ${this.restarts}`);
      })
      .catch(() => undefined);
  }

  protected cancelBackoff(): void {
    this.backoff?.abort();
    this.backoff = undefined;
    this.nextRestartAt = undefined;
  }
}
