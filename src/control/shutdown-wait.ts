/**
 * `POST /shutdown?wait=1` (what `land down` sends): an NDJSON answer whose first line says the shutdown was
 * accepted, and whose last line, sent when the supervisor publishes the shutdown's end, carries what the shutdown
 * could not stop (`left`), so the client can say it as `land up` does. The control layer only subscribes: the
 * supervisor owns the tiers; this keeps nothing but the end event's `left`, for a request that comes after it.
 */
import type { ServerResponse } from 'node:http';
import type { NamedStray, StillRunning } from '../supervisor/left-behind.js';
import type { SupervisorControl } from '../supervisor/types.js';
import type { ShutdownAccepted, ShutdownMessage } from './protocol.js';
import type { StreamSet } from './streams.js';

export class ShutdownWatch {
  /** The shutdown's end, once published: what it left running. */
  private ended?: { left: StillRunning[]; strays?: NamedStray[] };
  private readonly waiting = new Set<(end: { left: StillRunning[]; strays?: NamedStray[] }) => void>();

  constructor(control: SupervisorControl) {
    control.subscribe((event) => {
      if (event.type !== 'shutdown' || event.phase !== 'end') return;
      this.ended = { left: event.left ?? [], ...(event.strays ? { strays: event.strays } : {}) };
      for (const done of [...this.waiting]) done(this.ended);
    });
  }

  /**
   * Answers `accepted` now and `stopped` at the shutdown's end (at once if it has ended already). A server that
   * closes before that ends the answer without `stopped`: the client then waits for land's exit by its pid.
   */
  wait(res: ServerResponse, streams: StreamSet, identity: ShutdownAccepted): void {
    const send = (message: ShutdownMessage) => res.write(`${JSON.stringify(message)}\n`);
    res.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8', 'cache-control': 'no-store' });
    send({ kind: 'accepted', ...identity });
    const finish = (end?: { left: StillRunning[]; strays?: NamedStray[] }) => {
      this.waiting.delete(finish);
      forget();
      if (end) send({ kind: 'stopped', ...end });
      res.end();
    };
    const forget = streams.add(() => finish());
    res.on('close', () => {
      this.waiting.delete(finish);
      forget();
    });
    if (this.ended) return finish(this.ended);
    this.waiting.add(finish);
  }
}
