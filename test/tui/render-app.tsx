/** Render the App with ink-testing-library and a FakeControl; helpers to read frames. */
import { render } from 'ink-testing-library';
import { App, type AppProps } from '../../src/tui/index.js';
import { plain, sleep, T0, waitFor, type FakeControl } from './fake-control.js';

export { plain };

export const KEYS = {
  up: '\u001B[A',
  down: '\u001B[B',
  enter: '\r',
  pageUp: '\u001B[5~',
  pageDown: '\u001B[6~',
  home: '\u001B[H',
  end: '\u001B[F',
  tab: '\t',
  escape: '\u001B',
  ctrlC: '\u0003',
  /** Bracketed paste's markers around a paste (src/tui/paste.ts). */
  pasteStart: '\u001B[200~',
  pasteEnd: '\u001B[201~',
};

// eslint-disable-next-line no-control-regex


export function renderApp(control: FakeControl, props: Partial<AppProps> = {}) {
  const exits: number[] = [];
  const instance = render(
    <App
      control={control}
      mode="watch"
      clock={() => T0}
      sampleUsage={false}
      onExit={() => exits.push(Date.now())}
      {...props}
    />,
  );
  return {
    ...instance,
    exits,
    frame: () => plain(instance.lastFrame()),
    /** Type keys, then let the UI settle (ink parses input asynchronously; refreshes are throttled to 100 ms). */
    async press(...keys: string[]) {
      for (const key of keys) {
        instance.stdin.write(key);
        await sleep(50);
      }
    },
    /** Wait until the frame passes `check` (keys and refreshes land asynchronously; never a timing assertion). */
    async until(check: (frame: string) => boolean, what: string) {
      await waitFor(
        () => check(plain(instance.lastFrame())),
        () => `${what} in:\n${plain(instance.lastFrame())}`,
      );
    },
    /** Wait until the frame contains `text`. */
    async untilText(text: string) {
      await waitFor(
        () => plain(instance.lastFrame()).includes(text),
        () => `"${text}" in:\n${plain(instance.lastFrame())}`,
      );
    },
    /** Wait until a tier's row is the selected one. */
    async untilSelected(name: string) {
      await waitFor(() => plain(instance.lastFrame()).includes(`› ${name} `), `${name} selected`);
    },
    /** The row of a tier in the current frame. */
    row(name: string): string {
      const line = plain(instance.lastFrame())
        .split('\n')
        .find((candidate) => new RegExp(`^. ${name} `).test(candidate));
      if (!line) throw new Error(`no row for ${name} in:\n${plain(instance.lastFrame())}`);
      return line;
    },
  };
}
