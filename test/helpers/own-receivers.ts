/** In-process receivers for a test file: each on a free port with a boot folder of its own, closed after each test. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { startReceiver, type Receiver } from '../../src/receiver/receiver.js';

export type ReceiverOptions = Partial<Parameters<typeof startReceiver>[0]>;

/**
 * Registers the clean-up of `dirs` and `receivers` (a test may add its own to them); `receiver` starts one (app
 * `demo`, tiers api and worker, boot `boot-test`).
 */
export function ownReceivers(prefix: string) {
  const dirs: string[] = [];
  const receivers: Receiver[] = [];
  afterEach(async () => {
    await Promise.all(receivers.splice(0).map((r) => r.close()));
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const receiver = async (options: ReceiverOptions = {}): Promise<Receiver> => {
    const bootDir = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(bootDir);
    const started = await startReceiver({ port: 0, bootId: 'boot-test', bootDir, identity: { app: 'demo', tiers: ['api', 'worker'] }, ...options });
    receivers.push(started);
    return started;
  };
  return { receiver, dirs, receivers };
}
