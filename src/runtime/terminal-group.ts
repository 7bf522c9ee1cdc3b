/**
 * Where land's process group stands with its terminal, from /proc/self/stat: the terminal's foreground group (tpgid)
 * against land's own (pgrp). Node has no tcgetpgrp(); this file is the kernel's answer to the same question, read
 * without a descriptor of the terminal. Used by `land run` (which signals to pass on) and by the terminal UI (whether
 * it may read the terminal, change its mode and draw: a background group that does draws SIGTTIN or SIGTTOU).
 */
import { readFileSync } from 'node:fs';

export interface ProcStat {
  ppid: number;
  pgrp: number;
  ttyNr: number;
  /** The terminal's foreground process group (-1 without a terminal). */
  tpgid: number;
}

/** Fields of /proc/self/stat after the command name (which may hold spaces and parentheses). */
export function readStat(): ProcStat | undefined {
  try {
    const text = readFileSync('/proc/self/stat', 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // state ppid pgrp session tty_nr tpgid …
    return { ppid: Number(fields[1]), pgrp: Number(fields[2]), ttyNr: Number(fields[4]), tpgid: Number(fields[5]) };
  } catch {
    return undefined;
  }
}

/**
 * land's process group is its terminal's foreground group: what the terminal sends (Ctrl-C) reaches all of it, and it
 * may read the terminal and set its mode. Without /proc (macOS) land cannot tell: a terminal on stdin is taken as the
 * foreground, its commonest case (the other guess would pass each Ctrl-C on a second time, and keep the UI asleep).
 */
export function inTerminalForeground(): boolean {
  const stat = readStat();
  if (stat === undefined) return process.stdin.isTTY === true;
  return stat.ttyNr !== 0 && stat.tpgid === stat.pgrp;
}
