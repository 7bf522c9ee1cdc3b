/** `land dashboard`: the running stack's dashboard login URL (asked through the control socket); opens a browser. */
import { spawn } from 'node:child_process';
import { requestJson } from '../control/client.js';
import type { DashboardBody } from '../control/protocol.js';
import { EXIT_CONFLICT } from '../control/exit-codes.js';
import { InputError } from '../errors.js';
import { withStack, type TargetOptions } from './control-target.js';

/** The desktop's opener, when there is a desktop: nothing is tried on a headless machine or over plain SSH. */
function browserOpener(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (process.platform === 'darwin') return 'open';
  if (process.platform === 'win32') return undefined;
  return env.DISPLAY || env.WAYLAND_DISPLAY ? 'xdg-open' : undefined;
}

/** Resolves true when the opener started; never throws (the URL is printed either way). */
function openBrowser(opener: string, url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(opener, [url], { stdio: 'ignore', detached: true });
    child.once('error', () => resolve(false));
    child.once('spawn', () => {
      child.unref();
      resolve(true);
    });
  });
}

export async function dashboardCommand(options: TargetOptions & { print?: boolean }): Promise<number> {
  const body = await withStack(options, async ({ socket }) => {
    try {
      return await requestJson<DashboardBody>(socket, 'GET', '/dashboard');
    } catch (error) {
      if ((error as { code?: string }).code === 'not-found') throw new InputError((error as Error).message, EXIT_CONFLICT);
      throw error;
    }
  });
  process.stdout.write(`${body.url}\n`);
  const opener = options.print ? undefined : browserOpener();
  if (opener && !(await openBrowser(opener, body.url))) process.stderr.write(`land: could not start ${opener}: open the URL above\n`);
  return 0;
}
