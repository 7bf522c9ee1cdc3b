/**
 * `POST /tiers/<tier>/reload` (`land reload`): an NDJSON answer, begun at once (a roll outlasts a client's answer
 * timeout: each replica waits for its readiness probe), with a `step` line as each replica's restart ends and a last
 * `done` line listing every replica's outcome; a refusal that comes with the command's turn is an `error` line.
 * The roll goes on if the client goes away, as a restart does.
 */
import type { ServerResponse } from 'node:http';
import { oneLine } from '../errors.js';
import { ControlError } from '../supervisor/control-error.js';
import type { SupervisorControl, TierSnapshot } from '../supervisor/types.js';
import type { ReloadMessage } from './protocol.js';
import type { StreamSet } from './streams.js';

/** The instances the name addresses now (the instance, or every replica of the tier). */
function addressed(control: SupervisorControl, name: string): TierSnapshot[] {
  return control.snapshot().tiers.filter((tier) => tier.name === name || tier.group === name);
}

/** The route has checked the name (an unknown one is a plain 404) and that the stack can reload. */
export function streamReload(control: SupervisorControl, res: ServerResponse, streams: StreamSet, tier: string): void {
  const send = (message: ReloadMessage) => {
    if (!res.writableEnded && !res.destroyed) res.write(`${JSON.stringify(message)}\n`);
  };
  res.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8', 'cache-control': 'no-store' });
  res.flushHeaders();
  // The server's close (the shutdown's end) ends the answer; the roll has said how it ended before that.
  const forget = streams.add(() => res.end());
  res.on('close', forget);
  control.reloadTier!(tier, (step) => send({ kind: 'step', step }))
    .then(
      ({ replicas, steps, left, cut }) => {
        const ok = steps.every((step) => step.outcome === 'ready');
        send({ kind: 'done', ok, replicas, steps, tiers: addressed(control, tier), ...(left.length > 0 ? { left } : {}), ...(cut ? { cut } : {}) });
      },
      (error: unknown) => send({ kind: 'error', error: { code: error instanceof ControlError ? error.code : 'internal', message: oneLine(error) } }),
    )
    .finally(() => {
      forget();
      res.end();
    });
}
