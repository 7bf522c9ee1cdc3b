/**
 * A pipe's heavy half (posthog-node, the OpenTelemetry SDK and exporter), imported when the pipe is first needed
 * instead of when land starts: `land up` spawns its children before it parses any of that code. What the pipe is
 * given before then waits in a bounded queue (see DeferredPostHog, SpanPipe).
 */
import { oneLine } from '../errors.js';

/** Resolves after `ms` (unref'd: a bound never keeps the process alive). */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)).unref());
}

export class LazyPart<T> {
  private loaded: T | undefined;
  private loading: Promise<void> | undefined;
  /** Why the part could not be loaded (a missing or broken dependency): the pipe then reports itself unavailable. */
  failure: string | undefined;

  constructor(
    private readonly importer: () => Promise<T>,
    private readonly onLoad: (part: T) => void,
    private readonly what: string,
    /** Told once, with `failure`, when the part cannot be loaded. */
    private readonly onFailure: (reason: string) => void = () => undefined,
  ) {}

  get value(): T | undefined {
    return this.loaded;
  }

  /** Start loading (once); resolves when loaded or failed, never rejects. */
  load(): Promise<void> {
    // Two-argument then: a throw in onLoad makes the part failed and not loaded (with `.then(onLoad).catch(fail)` it
    // was both); fail's own try keeps a throwing onFailure from making load() reject (callers void it).
    this.loading ??= this.importer().then(
      (part) => {
        this.loaded = part;
        try {
          this.onLoad(part);
        } catch (error) {
          this.loaded = undefined;
          this.fail(error);
        }
      },
      (error: unknown) => this.fail(error),
    );
    return this.loading;
  }

  /**
   * The reason is shown in `land status`, the dashboard and the TUI: a library's message may quote the address it
   * refused, credentials and all, so it goes through oneLine (which masks secrets) like every other message.
   */
  private fail(error: unknown): void {
    if (this.failure !== undefined) return;
    this.failure = `could not load ${this.what} (${oneLine(error)})`;
    try {
      this.onFailure(this.failure);
    } catch {
      // a listener's trouble cannot make load() reject (callers void it)
    }
  }

  /** Load, waiting at most `ms`: the part, or undefined when it is not there in time. */
  async within(ms: number): Promise<T | undefined> {
    await Promise.race([this.load(), delay(ms)]);
    return this.loaded;
  }
}
