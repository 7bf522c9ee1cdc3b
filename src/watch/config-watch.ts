/**
 * `land up --watch-config`: land watches what `land apply` reads again (the config or Procfile, the env files, the
 * profile, a `.ts` config's local imports) and applies a save to the running stack through the same supervisor call
 * as `POST /apply`. A burst of writes (an editor's rename-over, a truncate then write) is one save; a save during an
 * apply waits for it and the latest content is applied once. A save that cannot be applied changes nothing and is
 * published as a `config` event (the printer's line, the UI's banner) and kept in the snapshot until one applies.
 * Loaded by the supervisor only with the flag, as a tier's `watch` loads chokidar (named-files.ts says why not chokidar).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { displayPath } from '../config/display-path.js';
import { awaitedFiles } from '../config/missing-imports.js';
import { compiledInputs } from '../config/typescript/cache.js';
import type { BootPlan } from '../config/types.js';
import { oneLine } from '../errors.js';
import { ControlError } from '../supervisor/control-error.js';
import type { ApplyResult, ConfigWatchStatus, SupervisorEvent } from '../supervisor/types.js';
import { describeApplied } from './apply-summary.js';
import { watchNamedFiles, type NamedFilesWatcher } from './named-files.js';

/** What the watch needs from the supervisor. */
export interface ConfigWatchHost {
  /** The plan applied last (the boot's until then): which files it was read from. */
  plan(): BootPlan;
  /** `land apply` (not a dry run), in its turn: one apply at a time, with the CLI's too. */
  apply(): Promise<ApplyResult>;
  emit(event: SupervisorEvent): void;
  stopping(): boolean;
}

/** As a tier's watch by default (resolve.ts): an editor's save in several writes is one. */
const DEBOUNCE_MS = 300;

/** The files a read of `plan`'s config goes through, absolute: what a save of is applied. */
export function configFilesOf(plan: BootPlan): string[] {
  const { configFile, envFiles } = plan.config;
  const typescript = /\.[mc]?ts$/.test(configFile) ? compiledInputs(configFile) : [];
  // An env file that is not there is read from its `.Sample` (envfile.ts): either one appearing is a change.
  const env = envFiles.flatMap((file) => [file, `${file}.Sample`]);
  const tierFiles = plan.config.tiers.flatMap((tier) => tier.envFiles);
  return [...new Set([configFile, ...typescript, ...env, ...tierFiles, ...(plan.profileFile ? [plan.profileFile] : [])])];
}

export class ConfigWatch {
  private watcher?: NamedFilesWatcher;
  private readonly state: ConfigWatchStatus;
  /** The apply under way, and the files saved meanwhile (applied once it ends, with their latest content). */
  private applying?: Promise<void>;
  private savedSince?: string[];
  private closed = false;
  /** Why the save standing refused was refused: a retry refused alike says nothing new. */
  private refusedFor?: string;
  /** The names a refused save's missing imports may appear under (absolute), watched beside the config's files. */
  private awaited = new Set<string>();

  constructor(private readonly host: ConfigWatchHost) {
    this.state = { files: this.shown(configFilesOf(host.plan())), watching: false, applied: 0 };
  }

  /** The files as `status` shows them: relative to the stack's folder, those that exist (a `.Sample` often does not). */
  private shown(files: string[]): string[] {
    const root = this.host.plan().config.rootDir;
    return files.filter((file) => existsSync(file)).map((file) => path.relative(root, file));
  }

  start(): void {
    if (this.closed) return;
    this.watcher = watchNamedFiles({
      files: configFilesOf(this.host.plan()),
      debounceMs: DEBOUNCE_MS,
      onBurst: (changed) => this.saved(changed),
      onError: (message) => this.host.emit({ type: 'error', tier: 'mountain', tag: 'watch-config', message, at: Date.now() }),
    });
    // An inotify watch is in place once fs.watch returns: nothing to scan first.
    this.state.watching = true;
  }

  status(): ConfigWatchStatus {
    return { ...this.state, files: [...this.state.files] };
  }

  /** An apply under way is not waited for: it is the shutdown's to end, as a `land apply` from the CLI would be. */
  close(): void {
    this.closed = true;
    this.state.watching = false;
    this.watcher?.close();
  }

  private saved(files: string[]): void {
    if (this.closed || this.host.stopping()) return;
    if (this.applying) {
      this.savedSince = [...new Set([...(this.savedSince ?? []), ...files])];
      return;
    }
    this.applying = this.applyOnce(files).finally(() => {
      this.applying = undefined;
      const next = this.savedSince;
      this.savedSince = undefined;
      if (next) this.saved(next);
    });
  }

  private async applyOnce(files: string[]): Promise<void> {
    const file = displayPath(files[0]!);
    // Set off only by names a refused save awaited (no file of the config saved): a retry of that save.
    const retry = files.every((changed) => this.awaited.has(changed));
    let message: string;
    try {
      const result = await this.host.apply();
      message = describeApplied(result, file);
      this.state.applied++;
      this.state.last = { summary: message, at: Date.now() };
      delete this.state.error;
    } catch (error) {
      // Refused because the stack is going: nothing to say, the shutdown says it.
      if ((error instanceof ControlError && error.code === 'shutting-down') || this.host.stopping()) return;
      const why = error instanceof ControlError ? error.message : oneLine(error);
      this.awaitMissing(error);
      // A retry that an awaited name's appearance set off, refused for the same reason (a folder of the way appeared,
      // the file not yet): the refusal standing says it already.
      if (retry && this.state.error && this.refusedFor === why) return;
      this.refusedFor = why;
      message = `${file} saved; not applied, nothing changed: ${why}`;
      this.state.error = { message, at: Date.now() };
      this.host.emit({ type: 'config', ok: false, file, message, at: Date.now() });
      return;
    }
    this.watchWhatItReads();
    this.host.emit({ type: 'config', ok: true, file, message, at: Date.now() });
  }

  /**
   * A `land apply` from the CLI went through: the config on disk runs, so the save refused before (a local import
   * that was missing then, say) no longer holds, and what the config now reads is watched.
   */
  appliedByHand(): void {
    if (this.closed) return;
    this.watchWhatItReads();
    if (!this.state.error) return;
    delete this.state.error;
    const file = displayPath(this.host.plan().config.configFile);
    this.host.emit({ type: 'config', ok: true, file, message: `${file} applied by land apply; the save refused before is moot`, at: Date.now() });
  }

  /** What the config now reads (another profile, env file or local import) is watched from now on. */
  private watchWhatItReads(): void {
    const now = configFilesOf(this.host.plan());
    this.watcher?.set(now);
    this.state.files = this.shown(now);
    delete this.refusedFor;
    this.awaited.clear();
  }

  /**
   * A save refused because a local file it imports is not there (yet), or does not compile: that file is watched too
   * (a missing one with the names it may take), so writing it applies the save; the files the applied config reads
   * stay watched.
   */
  private awaitMissing(error: unknown): void {
    const cause = error instanceof Error ? error.cause : undefined;
    this.awaited = new Set(awaitedFiles(cause));
    this.watcher?.set([...configFilesOf(this.host.plan()), ...this.awaited]);
  }
}
