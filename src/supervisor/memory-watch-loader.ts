/**
 * The memory watch, loaded when a tier with `limits.memory` starts (as chokidar for `watch`): every `land up` loads
 * the up-stack chunk, and a stack that never runs a limited tier neither loads nor samples anything for it.
 */
import type { MemoryWatch } from './memory-watch.js';
import type { TierProcess } from './tier-process.js';

export class MemoryWatchLoader {
  private memory?: MemoryWatch;
  private load?: Promise<void>;
  private closed = false;

  /**
   * @param limited every tier with a limit whose tree is to be sampled now (those started while the module loaded)
   * @param failed the module did not load
   */
  constructor(
    private readonly limited: () => Iterable<TierProcess>,
    private readonly failed: (tier: string, error: unknown) => void,
  ) {}

  /** A tier started: if it has a memory limit, the watch samples it (loaded the first time). */
  watch(tier: TierProcess): void {
    if (tier.config.limits === undefined || this.closed) return;
    if (this.memory) return this.memory.watch(tier);
    this.load ??= import('./memory-watch.js')
      .then(({ MemoryWatch }) => {
        if (this.closed) return;
        this.memory = new MemoryWatch();
        for (const each of this.limited()) if (each.config.limits !== undefined && each.memoryRoot !== undefined) this.memory.watch(each);
      })
      .catch((error: unknown) => this.failed(tier.name, error));
  }

  sampleOf(tier: TierProcess): ReturnType<MemoryWatch['sampleOf']> | undefined {
    return this.memory?.sampleOf(tier);
  }

  close(): void {
    this.closed = true;
    this.memory?.close();
  }
}
