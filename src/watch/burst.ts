/** A quiet-period debounce: the burst ends once nothing has changed for `debounceMs` (a tier's watch, the config's). */
export interface Burst {
  /** A file changed (kept once, in the order it first changed); none: activity that only extends a burst under way. */
  seen(file?: string): void;
  cancel(): void;
}

export function burstOf(debounceMs: number, onBurst: (files: string[]) => void): Burst {
  let pending: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    const files = pending;
    pending = [];
    if (files.length > 0) onBurst(files);
  };
  return {
    seen(file) {
      if (file === undefined && !timer) return;
      if (file !== undefined && !pending.includes(file)) pending.push(file);
      if (timer) clearTimeout(timer);
      timer = setTimeout(flush, debounceMs);
    },
    cancel() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      pending = [];
    },
  };
}
