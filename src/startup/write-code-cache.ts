/**
 * The bundle's side of the code cache's early write (the loader is src/startup/code-cache.ts, a build of its own:
 * they meet through a global, as src/runtime/v8-flags.ts does). The loader writes what compiled without a cache
 * 250 ms after the last such compile, or when the command is done; a `land up` ended by SIGKILL before either (a
 * harness that kills the stack once its child has connected, ≈ 150 ms after land's last compile on a quiet machine)
 * never wrote it, so every such start of a build compiled the whole bundle from source (docs/decisions.md,
 * "Start-up, tenth pass").
 */
const WRITE_NOW = Symbol.for('land.writeCodeCacheNow');

/** Registered by the loader: writes the pending scripts' data now (nothing when none is pending). */
export function registerCodeCacheWriter(write: () => void): void {
  (globalThis as Record<symbol, unknown>)[WRITE_NOW] = write;
}

/** Writes the code cache's pending data now, when this process loaded the bundle through the loader. */
export function writeCodeCacheNow(): void {
  const write = (globalThis as Record<symbol, unknown>)[WRITE_NOW];
  if (typeof write === 'function') write();
}

interface SpawnEvents {
  subscribe(listener: (event: { type: string }) => void): () => void;
}

/**
 * Writes the code cache as this boot's first child is spawned: by then everything `land up` compiles before its first
 * spawn is compiled, and the child is on its way. Inside the spawn's emit, before the printer's "spawned" line and
 * the rest of the wave: a first start of a build pays the write (≈ 10–25 ms of CPU) while its first child starts, never
 * before it, and whoever sees that line (or the child) knows the cache is on disk.
 */
export function writeCodeCacheAfterFirstSpawn(events: SpawnEvents): void {
  const unsubscribe = events.subscribe((event) => {
    if (event.type !== 'spawn') return;
    unsubscribe();
    writeCodeCacheNow();
  });
}
