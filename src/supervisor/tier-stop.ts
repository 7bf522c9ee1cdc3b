/** A tier's life ending: stopping its whole tree, its exit, and whether (and when) it starts again. */
import { setTimeout as sleep } from 'node:timers/promises';
import { newSpanId } from '../telemetry/ids.js';
import { DENIED_GRACE_MS, endTree, PIPES_CLOSE_MS, settlesWithin, STOP_GRACE_MS } from './bounded-stop.js';
import { stopDaemon } from './daemon-life.js';
import { describeLeftovers, NOTHING_LEFT, type Leftovers } from './left-behind.js';
import { LeftProcesses } from './left-processes.js';
import { addStrays } from './named-strays.js';
import { deniedOf, freshTree, signalGroup, signalTree, treeAfterExit, treePids, type TreeTarget } from './process-tree.js';
import { runStopCommand } from './stop-command.js';
import type { Life } from './tier-base.js';
import { TierRun } from './tier-run.js';
import { steadyNow } from '../runtime/steady-clock.js';

/**
 * The life's probe attempts, once cut short, are gone: each ends its own tree within STOP_GRACE_MS of its command's
 * exit (probes.ts), which follows its SIGKILL at once; the bound is for a command the kernel does not take.
 */
function probesEnded(life: Life): Promise<boolean> {
  return settlesWithin(Promise.allSettled([...life.probes]), 2 * STOP_GRACE_MS);
}

/**
 * Whether the life's output pipes close within `ms`. A timer runs before the loop reads what the kernel already has,
 * so when land is behind (a loaded machine, many tiers ending at once) the wait can end with the EOF already there,
 * unread: the pipes get one more turn of the loop (its reads, then the streams' close) before they count as held.
 */
async function pipesCloseWithin(life: Life, ms: number): Promise<boolean> {
  if (await settlesWithin(life.ended, ms)) return true;
  const turn = new Promise<boolean>((resolve) => setImmediate(() => setImmediate(() => resolve(false))));
  return Promise.race([life.ended.then(() => true), turn]);
}

/** Both stops' leftovers (the known tree's, then the pipe holders'), each pid once. */
function joinLeftovers(a: Leftovers, b: Leftovers): Leftovers {
  return {
    pids: [...new Set([...a.pids, ...b.pids])],
    denied: [...new Set([...a.denied, ...b.denied])],
    startTimes: { ...a.startTimes, ...b.startTimes },
  };
}

export abstract class TierStop extends TierRun {
  /**
   * What this tier's stops gave up on: named again at the shutdown's end while still running (a replica removed by
   * `land scale` hands it to the supervisor).
   */
  readonly left = new LeftProcesses();
  /** What the last failed daemon start named as maybe its daemon (repeatedStrays). */
  private straysBefore: ReadonlyArray<{ pid: number; name: string }> = [];

  protected treeTarget(life: Life): TreeTarget {
    // TRACEPARENT is unique to one start, so the marks never match a newer life or another tier.
    const marks = { LAND_BOOT_ID: this.runtime.bootId, TRACEPARENT: life.span.traceparent };
    // A daemon's processes are known by identity too: one that set its process title bears the marks no more.
    // Its launcher's group is gone once it runs (that number may be another process's by now).
    if (!life.daemon) return { pid: life.pid, marks };
    return life.daemon.running ? { marks, known: life.daemon.processes } : { pid: life.pid, marks, known: life.daemon.processes };
  }

  /**
   * The stop signal to the group (or the stop command); SIGKILL to the whole tree if the leader is still there at
   * the stop's deadline. A running daemon: the same to every process bearing the life's marks (daemon-life.ts).
   */
  protected killLife(life: Life): void {
    const watch = life.daemon?.watch;
    if (!watch) return void this.terminateLeader(life);
    const { signal, timeoutMs } = this.config.stop;
    void stopDaemon(life, watch, { target: () => this.treeTarget(life), signal, timeoutMs, begin: (signalIt) => this.beginStop(life, signalIt) });
  }

  /**
   * A stop's first step: the tier's stop command (stop-command.ts), run once per life; else, or when that command
   * could not do its job (it did not start, or exited non-zero) while the tier still runs, `signalIt`. A command
   * that did its job may have asked the leader (or daemon) to stop in its own time (`nginx -s quit`): it gets until
   * the deadline; what an exited leader left gets the stop signal once the command has exited (clearLeftovers).
   */
  private beginStop(life: Life, signalIt: () => void): void {
    const argv = this.config.stop.command;
    if (!argv) {
      life.stopBy = 'signal';
      return signalIt();
    }
    if (life.stopCommand) return;
    life.stopBy = 'command';
    const traceparent = `00-${this.runtime.tracer.traceId}-${newSpanId()}-01`;
    const marks = { LAND_BOOT_ID: this.runtime.bootId, TRACEPARENT: traceparent };
    const context = life.span.contextEnv && { ...life.span.contextEnv, TRACEPARENT: traceparent };
    const run = runStopCommand({
      argv,
      cwd: this.config.cwd,
      env: { ...this.childEnv(traceparent, context), ...marks },
      marks,
      deadline: life.deadline ?? steadyNow() + this.config.stop.timeoutMs,
      onLines: (stream, block) => this.writeBlock(stream, block),
      onOverdue: () => this.sayStopCommand(`the stop command still ran at stop.timeoutMs (${this.config.stop.timeoutMs} ms): killed with what it started`),
    });
    life.stopCommand = run.done;
    life.stopCommandExited = run.exited;
    void run.exited.then((failure) => {
      if (failure === undefined || life.leaderGone) return;
      life.stopBy = 'signal';
      this.sayStopCommand(`${failure}; sending ${this.config.stop.signal} instead`);
      signalIt();
    });
  }

  private sayStopCommand(message: string): void {
    this.runtime.emit({ type: 'error', tier: this.name, tag: 'stop-command', message, at: Date.now() });
  }

  /**
   * Awaits the leader's exit (an event, no polling): what it leaves behind is then onExit's to clear. A leader that
   * cannot be made to exit (it refuses land's signals, EPERM: e.g. it runs as another user now, through sudo; or
   * it is still there after SIGKILL and the grace) is given up on, bounded like every stop.
   */
  private async terminateLeader(life: Life): Promise<void> {
    const { signal, timeoutMs } = this.config.stop;
    life.deadline ??= steadyNow() + timeoutMs;
    this.beginStop(life, () => signalGroup(life.pid, signal));
    // A stop command may stop what refuses land's own signals (`sudo pg_ctl stop`): its tree gets the whole wait.
    if (life.stopBy === 'signal' && this.refusesEverySignal(life)) {
      if (!(await settlesWithin(life.exited, DENIED_GRACE_MS))) this.giveUpLeader(life);
      return;
    }
    const wait = Math.max(0, life.deadline - steadyNow());
    const timeout = sleep(wait, 'timeout' as const, { signal: life.abort.signal }).catch(() => 'exited' as const);
    if ((await Promise.race([life.exited.then(() => 'exited' as const), timeout])) === 'timeout') {
      const { denied } = signalTree({ ...this.treeTarget(life), holding: life.outputLinks }, 'SIGKILL');
      if (await settlesWithin(life.exited, denied.includes(life.pid) ? DENIED_GRACE_MS : STOP_GRACE_MS)) return;
      this.giveUpLeader(life);
    }
  }

  /**
   * The leader and everything of its tree refuse land's signals: waiting for the deadline cannot help, only
   * DENIED_GRACE_MS for an exit of their own. (A leader
   * that refuses them alone may still end through its tree, as sudo does when its command exits: it gets the wait.)
   */
  private refusesEverySignal(life: Life): boolean {
    if (deniedOf([life.pid]).length === 0) return false;
    const tree = treePids(this.treeTarget(life), true);
    return tree.length > 0 && deniedOf(tree).length === tree.length;
  }

  /** The life ends without the leader's exit: its tree is cleared as after an exit, and what is left is said. */
  private giveUpLeader(life: Life): void {
    life.givenUp = true;
    void this.onExit(life, null, null);
  }

  protected async onExit(life: Life, code: number | null, signal: NodeJS.Signals | null): Promise<void> {
    // The leader of a life given up on may still exit later: that life is over already.
    if (life.ending) return;
    life.ending = true;
    try {
      await this.endLife(life, code, signal);
    } finally {
      life.markSettled();
    }
  }

  private async endLife(life: Life, code: number | null, signal: NodeJS.Signals | null): Promise<void> {
    const at = Date.now();
    life.abort.abort(new Error('exited'));
    const daemonEnded = life.daemon?.ended;
    addStrays(this.namedStrays, life.daemon?.strays ?? []);
    const status = life.givenUp ? `no exit: pid ${life.pid} was given up on` : signal ? `signal ${signal}` : `code ${code}`;
    // How the life ended, in words: a daemon's end has no exit code of its own.
    // 127 is the shell's "not found"; a program of an argv tier may exit 127 for its own reasons.
    const ending = daemonEnded ?? `exited with ${status}${code === 127 && this.config.shell ? " (a shell's code for a command not found)" : ''}`;
    // The abort above cuts every probe attempt short; what they started must be gone before the life is over, or a
    // shutdown could end (and land exit) while a probe's processes are still there. So must the stop command's.
    await Promise.all([this.clearLeftovers(life, ending), probesEnded(life), life.stopCommand]);
    this.life = undefined;
    this.lastExit = { code, signal, at, ...(life.givenUp ? { givenUp: true } : {}), ...(daemonEnded ? { daemonEnded: true } : {}) };
    const uptimeMs = at - life.startedAt;
    // A life stopped over its memory limit counts as failed whatever its exit (it may exit 0 on its stop signal);
    // so does a daemon's end, whose code land cannot know.
    const failedAnyway = life.probeFailed || life.overMemory !== undefined || daemonEnded !== undefined;
    const crashed = !life.stopRequested && (code !== 0 || signal !== null || failedAnyway);
    const why = life.stopRequested ? 'requested' : life.overMemory ? 'memory-limit' : life.probeFailed ? 'probe-failed' : crashed ? 'crashed' : 'completed';
    if (!this.wasReady) life.span.end({ ok: !crashed && !life.stopRequested, reason: ending, pid: life.pid, exit: { code, signal } });
    this.runtime.emit({
      type: 'exit',
      tier: this.name,
      pid: life.daemon?.watch?.lastPid ?? life.pid,
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
      this.runtime.emit({ type: 'error', tier: this.name, tag: 'crash', message: ending, at });
    }
    if (this.state !== 'crashed' || why === 'crashed') {
      this.setState(crashed ? 'crashed' : 'exited', crashed ? ending : 'completed with code 0');
    }
    // Healthy time counts from ready (readyAt is this life's: the spawn clears it); never ready: none.
    const healthyMs = this.readyAt === undefined ? 0 : at - this.readyAt;
    this.afterExit(crashed, healthyMs, life.overMemory, this.repeatedStrays(life.daemon?.strays ?? []));
  }

  /**
   * What the leader left behind dies with it (a restart must not meet its own stale grandchildren): its group, its
   * descendants, marked strays, and, if the output pipes stay open, whoever holds them. All within the stop's
   * deadline (the stop request's, or the leader's own exit's) plus STOP_GRACE_MS; then land stops reading the
   * pipes, says what it could not kill or find, and moves on.
   */
  private async clearLeftovers(life: Life, ending: string): Promise<void> {
    const { signal, timeoutMs } = this.config.stop;
    // A stop command at work stops them: they are waited for, and get the stop signal once it has exited.
    const signalAfter = life.stopBy === 'command' ? life.stopCommandExited : undefined;
    const deadline = (life.deadline ??= steadyNow() + timeoutMs);
    const giveUpAt = deadline + STOP_GRACE_MS;
    let target = this.treeTarget(life);
    let left = NOTHING_LEFT;
    const after = treeAfterExit(target, life.startedSteady);
    // Unsure (land out of descriptors): what it could not read may be the tree's, so the stop goes on as for leftovers.
    if (after.running.length > 0 || after.unsure) {
      if (after.running.length > 0) this.sayClearing(life, ending);
      left = await endTree(target, signal, deadline, giveUpAt, signalAfter);
    }
    // Never past the stop's bound (a daemon's stop may reach here at it: stopDaemon).
    if (!(await pipesCloseWithin(life, Math.min(PIPES_CLOSE_MS, giveUpAt - steadyNow())))) {
      // Held by something outside the group, with no parent link and no mark (setsid, a double fork, env -i).
      target = { ...target, holding: life.outputLinks };
      const holders = freshTree(target);
      if (holders.pids.length > 0 || holders.unsure) {
        // One already exiting (a big one still freeing its memory) is no leftover to announce, as after the exit;
        // it is still waited for (and reported if it stays), as it holds the pipes.
        if (holders.running.length > 0) this.sayClearing(life, ending);
        left = joinLeftovers(left, await endTree(target, signal, deadline, giveUpAt, signalAfter));
      }
    }
    // What land gave up on may hold the pipes: no wait for them then.
    if (left.pids.length === 0 && (await pipesCloseWithin(life, Math.min(STOP_GRACE_MS, giveUpAt - steadyNow())))) return;
    life.child.stdout.destroy();
    life.child.stderr.destroy();
    await life.ended;
    if (left.pids.length > 0) life.left = left;
    this.sayLeftovers(left, timeoutMs);
  }

  /** A stop that gave up: the event, the snapshot's `leftBehind` (the answer of `land stop`), the list for the shutdown. */
  private sayLeftovers(left: Leftovers, timeoutMs: number): void {
    const at = Date.now();
    const afterKill = `still there ${STOP_GRACE_MS} ms after SIGKILL (sent at stop.timeoutMs, ${timeoutMs} ms)`;
    const message =
      left.pids.length > 0
        ? `${describeLeftovers(`tier ${this.name}`, left, afterKill).join('; ')}; land moves on without ${left.pids.length === 1 ? 'it' : 'them'}`
        : 'its output pipes are still held by a process land cannot find (new session, no parent link, no land marks); land stopped reading them';
    if (left.pids.length > 0) {
      this.leftBehind = { pids: left.pids, denied: left.denied, at };
      this.left.add(left);
    }
    this.runtime.emit({ type: 'error', tier: this.name, tag: 'stop-incomplete', message, at });
  }

  /** The leader is gone but not its leftovers: said at once, not when they are cleared. */
  private sayClearing(life: Life, ending: string): void {
    if (life.stopRequested || this.state === 'stopping' || this.state === 'crashed') return;
    this.setState('stopping', `${ending}; stopping what it left running`);
  }

  /**
   * A daemon start that left nothing land can follow, twice in a row, each time with an orphan of the same name
   * running on since: most likely its daemon, hidden from land, so every restart would start one more copy land
   * cannot stop. One such start alone is restarted (an unrelated orphan may have started in that window).
   */
  private repeatedStrays(strays: ReadonlyArray<{ pid: number; name: string }>): string | undefined {
    const before = this.straysBefore;
    this.straysBefore = strays;
    const again = strays.filter((stray) => before.some((earlier) => earlier.name === stray.name));
    if (again.length === 0) return undefined;
    const named = [...before.filter((earlier) => again.some((stray) => stray.name === earlier.name)), ...again];
    const pids = named.map(({ pid }) => pid).join(', ');
    return `not restarted: its last two starts each left a process named ${again[0]!.name} running that land cannot follow (pid ${pids}); a new start would leave another: name its daemon with daemon: { pidFile }, or land start it once those are gone`;
  }

  /** `refused`: why no policy restarts this failure (a start that left what may be its daemon running). */
  protected afterExit(crashed: boolean, healthyMs: number, overMemory?: { used: number; at: number }, refused?: string): void {
    // A scheduled run, however it ended, waits for its next time: no restart policy re-runs it (schedule.ts).
    if (this.config.schedule !== undefined) return this.setState('scheduled', `waiting for its next time (${this.config.schedule})`);
    if (crashed && refused !== undefined) return this.setState('failed', refused);
    // A crash has just set the reason to its cause (its exit, or the probe or memory limit that stopped it).
    const decision = this.budget.decide({ crashed, healthyMs, cause: this.reason });
    if (!decision.restart) {
      if (decision.budgetSpent) {
        this.runtime.emit({ type: 'error', tier: this.name, tag: 'restart-budget', message: decision.reason, at: Date.now() });
      }
      if (crashed) this.setState('failed', decision.reason);
      return;
    }
    // Only a restart that happens counts (not a stop whose budget is spent, nor one `land stop` pre-empts).
    if (overMemory) {
      this.memoryRestarts += 1;
      this.memoryLast = { ...overMemory };
    }
    this.scheduleRestart(decision.delayMs, overMemory !== undefined);
  }

  /** `afterMemory`: the restart follows a stop over the memory limit; its life's pid goes into memoryLast. */
  protected scheduleRestart(delayMs: number, afterMemory = false): void {
    this.afterBackoff(delayMs, `restarting in ${inWords(delayMs)}`, () => {
      this.restarts += 1;
      this.spawn(`restart ${this.restarts}`);
      if (afterMemory && this.memoryLast) this.memoryLast.pid = this.life?.pid;
    });
  }

  /**
   * A start the system refused for the moment (out of descriptors, processes, memory: spawn-child.ts): the program
   * never ran, so this is no restart and takes nothing from the budget (a tier that never fails would otherwise fail
   * for good while land is short of descriptors). Tried again on the tier's own backoff, up to its cap, for as long as
   * it lasts; the next start that forks resets it (tier-spawn.ts).
   */
  protected retrySpawn(why: string): void {
    const { initialMs, maxMs } = this.config.restart.backoff;
    const delayMs = Math.min(initialMs * 2 ** this.spawnRetries, maxMs);
    this.spawnRetries += 1;
    this.afterBackoff(delayMs, `spawn failed: ${why}; trying again in ${inWords(delayMs)}`, () => this.spawn(`trying again after: ${why}`));
  }

  private afterBackoff(delayMs: number, reason: string, then: () => void): void {
    const backoff = new AbortController();
    this.backoff = backoff;
    this.nextRestartAt = Date.now() + delayMs;
    this.setState('backoff', reason);
    sleep(delayMs, undefined, { signal: backoff.signal })
      .then(() => {
        this.backoff = undefined;
        then();
      })
      .catch(() => undefined);
  }

  protected cancelBackoff(): void {
    this.backoff?.abort();
    this.backoff = undefined;
    this.nextRestartAt = undefined;
  }
}

const inWords = (ms: number) => (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);
