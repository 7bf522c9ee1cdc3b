/** `land watch`: the terminal UI attached to the stack running here; quitting detaches and leaves it running. */
import { EXIT_STREAM_LOST } from '../control/exit-codes.js';
import { RemoteControl } from '../control/remote-control.js';
import { InputError } from '../errors.js';
import { withStack, type TargetOptions } from './control-target.js';
import { guardStdio } from './sinks.js';

export async function watchCommand(options: TargetOptions): Promise<number> {
  const remote = await withStack(options, ({ socket }) => RemoteControl.connect(socket));
  try {
    if (!process.stdout.isTTY || !process.stdin.isTTY) {
      throw new InputError('land watch needs a terminal: use `land status` or `land logs -f` from scripts');
    }
    // A terminal closed under the UI ends it; land must not then die in Node's exit (src/cli/sinks.ts).
    guardStdio();
    const { runTui } = await (await import('../tui/load.js')).loadTui();
    await runTui(remote, { mode: 'watch' });
    if (!remote.lost) return 0;
    process.stderr.write('land: the events stream was cut off before the stack stopped (land died, or this client stayed behind too long)\n');
    return EXIT_STREAM_LOST;
  } finally {
    remote.close();
  }
}
