/** A running tier: its readiness probe (or settle time), then its liveness probe. */
import { setTimeout as sleep } from 'node:timers/promises';
import { inheritable } from '../config/hydrate.js';
import { DEFAULTS } from '../config/resolve.js';
import { whenLaunched } from './daemon-life.js';
import { checkProbe, describeProbe, waitForProbe, type ProbeContext } from './probes.js';
import { SETTLE_MS, type Life } from './tier-base.js';
import { TierSpawn } from './tier-spawn.js';
import { steadyNow } from '../runtime/steady-clock.js';

export abstract class TierRun extends TierSpawn {
  protected abstract killLife(life: Life): void;

  protected probeContext(life: Life): ProbeContext {
    return {
      cwd: this.config.cwd,
      // The boot's mark: the last sweep at shutdown, and the next land after a SIGKILL, find a probe's processes too.
      // Land's own `_` and trace context stay out, as they do of a tier (hydrate.ts).
      env: { ...inheritable(process.env), ...this.config.env, LAND_BOOT_ID: this.runtime.bootId },
      seenLines: () => life.lines,
      onLine: (listener) => {
        life.lineListeners.add(listener);
        return () => life.lineListeners.delete(listener);
      },
      track: (attempt) => {
        life.probes.add(attempt);
        const done = () => life.probes.delete(attempt);
        attempt.then(done, done);
      },
    };
  }

  protected async awaitReady(life: Life): Promise<void> {
    const spec = this.config.ready;
    try {
      if (spec) await waitForProbe(spec, this.probeContext(life), life.abort.signal);
      // From the fork: in a wave of starts (spawn-wave.ts) the life is adopted once every child of the wave is forked.
      // A plain timer, not one bound to life.abort's signal: making that signal and listening on it was ~40 % of a
      // child's adoption in a 64-wide boot. A child gone meanwhile is seen below (leaderGone) once the timer fires.
      else if (!life.daemon) await new Promise((resolve) => setTimeout(resolve, Math.max(0, life.startedSteady + SETTLE_MS - steadyNow())));
      // A daemon tier is ready once its launcher has exited 0 too, and its daemon has settled (daemon-life.ts).
      if (life.daemon) await whenLaunched(life.daemon, life, spec?.timeoutMs ?? DEFAULTS.tier.ready.timeoutMs, SETTLE_MS);
    } catch (error) {
      // Exited, being stopped, or over its memory limit: onExit tells the story.
      if (life.abort.signal.aborted || life.stopRequested || life.overMemory) return;
      const message = error instanceof Error ? error.message : String(error);
      life.probeFailed = true;
      this.runtime.emit({ type: 'error', tier: this.name, tag: 'probe-failed', message, at: Date.now() });
      this.setState('crashed', message);
      this.killLife(life);
      return;
    }
    // Gone meanwhile (exited: life.abort is aborted in the same tick), being stopped (the wait is not woken by a
    // stop, only by the exit), or replaced: onExit tells the story.
    if (this.life !== life || life.leaderGone || life.stopRequested || life.overMemory) return;
    this.readyAt = Date.now();
    this.readyOnce = true;
    this.timeToReadyMs = this.readyAt - life.startedAt;
    const pid = this.livePid ?? life.pid;
    life.span.end({ ok: true, pid });
    const passed = spec && `${describeProbe(spec)} passed`;
    const daemon = life.daemon && `daemon pid ${pid}, its launcher exited 0`;
    this.setState('ready', [passed, daemon].filter(Boolean).join('; ') || 'running');
    void this.watchLiveness(life);
  }

  protected async watchLiveness(life: Life): Promise<void> {
    const spec = this.config.liveness;
    if (!spec) return;
    let failures = 0;
    const signal = life.abort.signal;
    while (!signal.aborted) {
      await sleep(spec.intervalMs, undefined, { signal, ref: false }).catch(() => undefined);
      if (signal.aborted) return;
      const ok = await checkProbe(spec, this.probeContext(life), signal);
      failures = ok ? 0 : failures + 1;
      if (failures < spec.failureThreshold || signal.aborted || life.overMemory) continue;
      const message = `liveness probe (${describeProbe(spec)}) failed ${failures} time(s)`;
      life.probeFailed = true;
      this.runtime.emit({ type: 'error', tier: this.name, tag: 'probe-failed', message, at: Date.now() });
      this.setState('crashed', message);
      this.killLife(life);
      return;
    }
  }
}
