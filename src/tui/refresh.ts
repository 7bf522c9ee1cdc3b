/**
 * Coalesces "something changed" marks into at most one refresh per interval: a burst of 50 000 events costs one
 * refresh, a steady flood costs one every `intervalMs`, and with no marks nothing runs at all.
 */
export interface RefreshScheduler {
  mark(): void;
  stop(): void;
}

export function createRefreshScheduler(
  refresh: () => void,
  intervalMs = 100,
  clock: () => number = Date.now,
): RefreshScheduler {
  let timer: NodeJS.Timeout | undefined;
  let lastRun = -Infinity;
  let stopped = false;

  return {
    mark() {
      if (stopped || timer) return;
      // Even when due, wait for the end of the current tick so a synchronous burst collapses into one refresh.
      const delay = Math.max(0, lastRun + intervalMs - clock());
      timer = setTimeout(() => {
        timer = undefined;
        lastRun = clock();
        refresh();
      }, delay);
      timer.unref();
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
