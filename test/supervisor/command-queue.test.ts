/** The command queue's give-way signal: a command under way hears of a later one on a common instance. */
import { describe, expect, it } from 'vitest';
import { CommandQueue } from '../../src/supervisor/command-queue.js';

/** A command that runs until `release()`, keeping the signal it was given. */
function held() {
  let release!: () => void;
  const done = new Promise<void>((resolve) => (release = resolve));
  const seen: { signal?: AbortSignal } = {};
  const command = (signal: AbortSignal) => {
    seen.signal = signal;
    return done;
  };
  return { command, release, seen };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('CommandQueue: giving way', () => {
  it('aborts the signal of the command under way when a later one on a common instance comes, naming it', async () => {
    const queue = new CommandQueue();
    const roll = held();
    const rolled = queue.run('api', 'reload', roll.command);
    await turn();
    expect(roll.seen.signal?.aborted).toBe(false);
    // Another tier, or nothing: no reason to give way.
    const other = queue.run('web', 'restart', async () => 'web');
    expect(await other).toBe('web');
    expect(roll.seen.signal?.aborted).toBe(false);
    const scaled = queue.run('api', 'scale 2', async () => 'scaled');
    expect([roll.seen.signal?.aborted, roll.seen.signal?.reason]).toEqual([true, 'scale api 2']);
    roll.release();
    await rolled;
    expect(await scaled).toBe('scaled');
  });

  it('a replica command gives the tier command a reason too, and a command that starts with one waiting behind it is told at once', async () => {
    const queue = new CommandQueue();
    const first = held();
    const firstDone = queue.run('api', 'restart', first.command);
    await turn();
    const roll = held();
    const rolled = queue.run('api', 'reload', roll.command);
    const stop = queue.run('api.3', 'stop', async () => 'stopped');
    expect(first.seen.signal?.reason).toBe('reload api');
    first.release();
    await firstDone;
    await turn();
    // The reload's turn came with the stop of api.3 waiting behind it.
    expect([roll.seen.signal?.aborted, roll.seen.signal?.reason]).toEqual([true, 'stop api.3']);
    roll.release();
    await rolled;
    expect(await stop).toBe('stopped');
  });
});
