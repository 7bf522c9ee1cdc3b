/** `inTerminalForeground()` where /proc cannot be read (macOS): a terminal on stdin counts as the foreground. */
import { afterEach, describe, expect, it, vi } from 'vitest';

// /proc/self/stat unreadable, as on a system without /proc; everything else is node's own fs.
vi.mock('node:fs', async (original) => {
  const fs = await original<typeof import('node:fs')>();
  const readFileSync = ((file: unknown, ...rest: unknown[]) => {
    if (String(file).startsWith('/proc/')) throw Object.assign(new Error(`ENOENT: ${String(file)}`), { code: 'ENOENT' });
    return (fs.readFileSync as (...args: unknown[]) => unknown)(file, ...rest);
  }) as typeof fs.readFileSync;
  return { ...fs, default: { ...fs, readFileSync }, readFileSync };
});

const { inTerminalForeground } = await import('../../src/cli/attachment.js');
const wasTTY = process.stdin.isTTY;
afterEach(() => {
  process.stdin.isTTY = wasTTY;
});

describe('inTerminalForeground without /proc', () => {
  it.each([
    [true, true],
    [false, false],
  ])('stdin a terminal: %s → in the foreground: %s', (tty, expected) => {
    process.stdin.isTTY = tty;
    expect(inTerminalForeground()).toBe(expected);
  });
});
