/**
 * Where a stack's control socket lives: `<project root>/.land/run/land.sock`, the project root being the config
 * file's folder. Clients find it without importing the config (which would run the user's code).
 */
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { locateStack, type StackFlags } from '../config/locate.js';
import { runDir } from '../supervisor/pidfile.js';
import { ensurePrivateFolder } from './private-dir.js';

export const SOCKET_NAME = 'land.sock';

/** From the light locator (not the config loader, which brings jiti and zod): a client only needs a folder. */
export { CONFIG_FILE_NAMES } from '../config/locate.js';

/** sun_path holds 108 bytes on Linux (104 on macOS), the terminating NUL included. */
const MAX_SOCKET_PATH = 103;

/**
 * `<root>/.land/run/land.sock`; for a project so deep that this path does not fit in a Unix socket address, a
 * per-user folder under the temp dir with a name derived from the root, so every client finds the same one.
 */
export function socketPath(rootDir: string): string {
  const local = path.join(runDir(rootDir), SOCKET_NAME);
  if (Buffer.byteLength(local) <= MAX_SOCKET_PATH) return local;
  const digest = createHash('sha256').update(path.resolve(rootDir)).digest('hex').slice(0, 20);
  // The uid from the kernel: os.userInfo() reads the passwd entry, which a random uid (OpenShift) has none of.
  return path.join(tmpdir(), `land-${process.getuid?.() ?? 'user'}`, `${digest}.sock`);
}

/**
 * The socket's folder (and `.land/run/`) readable by this user only, never through a link nor taken from another
 * user (private-dir.ts); `.land` or `.land/run` being a file is a one-line error.
 */
export function ensureSocketDir(rootDir: string): void {
  for (const dir of new Set([runDir(rootDir), path.dirname(socketPath(rootDir))])) ensurePrivateFolder(dir);
}

/**
 * The project root for `-f/--procfile`, `-c/--config` (a file or a folder) or, without either, the folder of the
 * nearest land config or Procfile from the current folder upwards.
 */
export function projectRoot(flags: StackFlags | string | undefined, cwd = process.cwd()): string {
  return path.dirname(locateStack(flags, cwd).file);
}
