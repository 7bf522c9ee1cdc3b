/**
 * Which pid namespace a process's pids belong to: `pid:[<inode>]`, the link /proc/self/ns/pid names (Linux). A land
 * that runs in a container (its own pid namespace: often as pid 1) writes pids that mean something else, or nothing,
 * to a process in another namespace sharing the folder (the host, another container on the same volume). Such a
 * reader never judges a land, nor kills, by those pids: it trusts the control socket (docs/decisions.md, "Land in
 * containers").
 */
import { readlinkSync } from 'node:fs';

let own: string | null | undefined;

/** This process's pid namespace; undefined where it cannot be read (no /proc: not Linux). */
export function pidNamespace(): string | undefined {
  if (own === undefined) {
    try {
      own = readlinkSync('/proc/self/ns/pid');
    } catch {
      own = null;
    }
  }
  return own ?? undefined;
}

/** Pids written in `namespace` are not this process's: both known, and different. */
export function inOtherPidNamespace(namespace: string | undefined): boolean {
  const mine = pidNamespace();
  return namespace !== undefined && mine !== undefined && namespace !== mine;
}

/** `{ pidNs }` for a record or an answer that carries pids; empty where the namespace cannot be read. */
export function pidNamespaceField(): { pidNs?: string } {
  const pidNs = pidNamespace();
  return pidNs ? { pidNs } : {};
}
