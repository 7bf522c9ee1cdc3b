/**
 * What the kernel will refuse at exec time, checked before anything starts: a NUL byte in a variable or an argument
 * (node throws, quoting the value: a secret would be printed), one `KEY=value` string over Linux's MAX_ARG_STRLEN,
 * or a command line and environment together over ARG_MAX (`spawn E2BIG`). Each is bad input naming where the
 * variable was set, never its value.
 */
import { readFileSync } from 'node:fs';
import { displayPath } from '../config/display-path.js';
import { childEnvOverlay, hydrateChildEnv, sharedLayersFor } from '../config/hydrate.js';
import { variableAt } from '../config/origin.js';
import { formatKeyPath } from '../config/config-issues.js';
import type { BootPlan, ResolvedTier } from '../config/types.js';
import { InputError } from '../errors.js';

/** Linux: one argv or envp string, its NUL included, is at most 32 pages (MAX_ARG_STRLEN). */
const MAX_ARG_STRLEN = 32 * 4096;
/** The floor of the total (ARG_MAX in the kernel's headers), and its ceiling (3/4 of the 8 MiB _STK_LIM). */
const ARG_MAX_FLOOR = 128 * 1024;
const ARG_MAX_CEILING = 6 * 1024 * 1024;
const POINTER_BYTES = 8;
/** What land injects at spawn time and cannot know yet (the OTLP endpoint's length): kept free. */
const INJECTED_MARGIN = 512;

/**
 * The room for argv + envp in an exec on this machine: a quarter of the stack limit, between the floor and the
 * ceiling above (fs/exec.c); elsewhere a conservative 1 MiB.
 */
export function execArgumentRoom(): number {
  if (process.platform !== 'linux') return 1024 * 1024;
  try {
    const line = /^Max stack size\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1];
    const stack = line === undefined || line === 'unlimited' ? Infinity : Number(line);
    return Math.max(ARG_MAX_FLOOR, Math.min(ARG_MAX_CEILING, stack / 4));
  } catch {
    return 2 * 1024 * 1024;
  }
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

/** Placeholders of the injected values' real lengths: the sizes are what the spawn will pass. */
const PLACEHOLDER = {
  bootId: '00000000T000000000Z-000000',
  traceId: '0'.repeat(32),
  traceparent: `00-${'0'.repeat(32)}-${'0'.repeat(16)}-01`,
};

function checkArguments(plan: BootPlan, tier: ResolvedTier): number {
  let bytes = 0;
  tier.command.forEach((arg, index) => {
    const where = () => `${displayPath(plan.config.configFile)}: ${formatKeyPath(['tiers', tier.name, 'command', index])}`;
    if (arg.includes('\0')) throw new InputError(`${where()}: expected an argument without NUL bytes (a process cannot receive one)`);
    const size = Buffer.byteLength(arg) + 1;
    if (process.platform === 'linux' && size > MAX_ARG_STRLEN) {
      throw new InputError(`${where()}: expected an argument of at most ${kib(MAX_ARG_STRLEN - 1)} (the kernel's MAX_ARG_STRLEN), got ${kib(size - 1)}`);
    }
    bytes += size + POINTER_BYTES;
  });
  return bytes;
}

/** What exec takes of one `KEY=value`, its NUL and its pointer included; undefined: exec refuses it. */
function variableBytes(key: string, value: string): number | undefined {
  if (key.includes('\0') || value.includes('\0')) return undefined;
  const size = Buffer.byteLength(key) + Buffer.byteLength(value) + 2;
  if (process.platform === 'linux' && size > MAX_ARG_STRLEN) return undefined;
  return size + POINTER_BYTES;
}

/** The shared layers' sizes, once per layer object (a boot makes one per inheritEnv/allowEnv/telemetryEnv setting). */
interface LayerBytes {
  total: number;
  of: Map<string, number>;
  /** Every variable fits; else the tier's whole environment is checked, for the error that names the first. */
  fits: boolean;
}
const layerBytes = new WeakMap<Readonly<Record<string, string>>, LayerBytes>();

function bytesOfLayer(layer: Readonly<Record<string, string>>): LayerBytes {
  let bytes = layerBytes.get(layer);
  if (bytes) return bytes;
  bytes = { total: 0, of: new Map(), fits: true };
  for (const key in layer) {
    const size = variableBytes(key, layer[key]!);
    if (size === undefined) bytes.fits = false;
    else bytes.of.set(key, size);
    bytes.total += size ?? 0;
  }
  layerBytes.set(layer, bytes);
  return bytes;
}

/**
 * Whether the environment fits, sized from the shared layers' sizes (made once) and what the tier sets over them:
 * the env is `base` with the overlay set over it (hydrateChildEnv), so its size is base's, less the keys the overlay
 * replaces, plus the overlay's. Only a yes is trusted: anything else goes through the whole check and its message.
 */
function fitsQuickly(plan: BootPlan, tier: ResolvedTier, room: number, argumentBytes: number): boolean {
  const base = sharedLayersFor(plan, tier);
  const shared = bytesOfLayer(base);
  if (!shared.fits) return false;
  const over = childEnvOverlay(plan, tier, PLACEHOLDER, base);
  let total = shared.total + argumentBytes;
  for (const key in over) {
    const value = over[key];
    if (value === undefined) return false;
    const size = variableBytes(key, value);
    if (size === undefined) return false;
    total += size - (shared.of.get(key) ?? 0);
  }
  return total <= room;
}

/** Checks one tier's argv and environment as the spawn would pass them; throws an InputError on what exec refuses. */
export function checkExecLimits(plan: BootPlan, tier: ResolvedTier, room = execArgumentRoom()): void {
  const argumentBytes = checkArguments(plan, tier) + INJECTED_MARGIN;
  // Every tier of a boot is checked in V8's interpreter: sizing each one's whole environment cost a 64-tier boot
  // ~5 ms and ~1 MB of garbage; the shared layers are sized once instead.
  if (fitsQuickly(plan, tier, room, argumentBytes)) return;
  const env = hydrateChildEnv(plan, tier, PLACEHOLDER);
  let total = argumentBytes;
  for (const key in env) {
    const value = env[key]!;
    if (key.includes('\0') || value.includes('\0')) {
      throw new InputError(`${variableAt(plan, key, tier)}: expected a value without NUL bytes (a process cannot receive one)`);
    }
    const size = Buffer.byteLength(key) + Buffer.byteLength(value) + 2;
    if (process.platform === 'linux' && size > MAX_ARG_STRLEN) {
      throw new InputError(
        `${variableAt(plan, key, tier)}: expected a value of at most ${kib(MAX_ARG_STRLEN - 2 - Buffer.byteLength(key))} (the kernel's MAX_ARG_STRLEN, name included), got ${kib(size - 2 - Buffer.byteLength(key))}`,
      );
    }
    total += size + POINTER_BYTES;
  }
  if (total <= room) return;
  const sizes = Object.entries(env).map(([key, value]): [string, number] => [key, Buffer.byteLength(key) + Buffer.byteLength(value) + 2]);
  const largest = sizes
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([key, size]) => `${variableAt(plan, key, tier)} (${kib(size)})`);
  throw new InputError(
    `${displayPath(plan.config.configFile)}: ${formatKeyPath(['tiers', tier.name])}: expected an environment and command line of at most ${kib(room)} in all (the kernel's ARG_MAX here: a quarter of the stack limit), got ${kib(total)}; largest: ${largest.join(', ')}`,
  );
}

/** Every variable of the env files and the profile, whichever tiers get it: none may hold a NUL byte. */
export function checkNulBytes(plan: BootPlan): void {
  for (const [key, value] of Object.entries(plan.profileEnv)) {
    if (value.includes('\0')) throw new InputError(`${variableAt(plan, key)}: expected a value without NUL bytes (a process cannot receive one)`);
  }
}
