/**
 * Backpressure from a slow reader (a piped stdout, a slow disk) back to the children: while any hold is taken the
 * children's pipes are paused, so land's memory stays bounded and no line is dropped.
 */
import type { Readable } from 'node:stream';
import { EventEmitter } from 'node:events';

export class OutputGate extends EventEmitter<{ change: [held: boolean] }> {
  private holds = 0;

  constructor() {
    super();
    this.setMaxListeners(0); // one listener per child pipe: as many as the stack has tiers × 2
  }

  get held(): boolean {
    return this.holds > 0;
  }

  hold(): void {
    if (this.holds++ === 0) this.emit('change', true);
  }

  release(): void {
    if (this.holds === 0) return;
    if (--this.holds === 0) this.emit('change', false);
  }
}

/** Pauses one readable while any of its reasons holds it. */
export class StreamPauser {
  private holds = 0;

  constructor(private readonly stream: Readable) {}

  get held(): boolean {
    return this.holds > 0;
  }

  hold(): void {
    if (this.holds++ === 0) this.stream.pause();
  }

  release(): void {
    if (this.holds === 0) return;
    if (--this.holds === 0) this.stream.resume();
  }
}
