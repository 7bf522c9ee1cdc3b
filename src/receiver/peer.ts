/**
 * Which tier sent a request whose resource does not say: the process at the other end of the connection. On Linux,
 * /proc/net/tcp{,6} gives the socket's inode from the two ports, the `socket:[inode]` links under /proc/<pid>/fd give
 * its owner among this boot's processes (the ones marked with its LAND_BOOT_ID), and that process's environment its
 * LAND_TIER. Elsewhere (no /proc) nothing is found and the item stays unattributed.
 *
 * Looked up once per connection, and cheaply for a burst of them: one reading of the tables serves every connection
 * it lists, and one walk of the boot's processes' files maps every socket they hold to its owner. What those
 * remember is confirmed before it is used (the owner still holds the socket), so a port or pid used again is never
 * read from a stale entry; see docs/decisions.md, "Attribution and the store's fairness (nineteenth wave)".
 */
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { processesMarked } from '../supervisor/process-tree.js';

function readOr(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/**
 * The client ends of the open connections to `serverPort`, inode by client port, from one reading of the tables.
 * Only lines that hold the server's port are split (on a busy host the tables hold every socket of the namespace).
 * A reading costs the kernel's walk of every TCP socket of the host (~8 ms each table here, however few it lists).
 */
export function connectionsTo(serverPort: number, table: string, found = new Map<number, string>()): Map<number, string> {
  const needle = `:${serverPort.toString(16).toUpperCase().padStart(4, '0')} `;
  for (const line of readOr(table).split('\n')) {
    if (!line.includes(needle)) continue;
    const fields = line.trim().split(/\s+/);
    const local = fields[1]?.split(':')[1];
    const remote = fields[2]?.split(':')[1];
    const inode = fields[9];
    // Inode 0: a connection closed (TIME_WAIT) whose port a new one may hold.
    if (local && remote && inode && inode !== '0' && parseInt(remote, 16) === serverPort) found.set(parseInt(local, 16), inode);
  }
  return found;
}

/** Every socket the processes hold, inode → pid (the first holder, in the order given). */
function socketsHeldBy(pids: readonly number[]): Map<string, number> {
  const held = new Map<string, number>();
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // gone meanwhile
    }
    for (const fd of fds) {
      let link: string;
      try {
        link = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue; // closed meanwhile
      }
      if (link.startsWith('socket:[') && !held.has(link.slice(8, -1))) held.set(link.slice(8, -1), pid);
    }
  }
  return held;
}

function holds(pid: number, inode: string): boolean {
  return socketsHeldBy([pid]).has(inode);
}

/** The process's LAND_TIER, when it is one of this boot's processes. */
function tierOfPid(pid: number, bootId: string): string | undefined {
  const environ = `\0${readOr(`/proc/${pid}/environ`)}`;
  if (!environ.includes(`\0LAND_BOOT_ID=${bootId}\0`)) return undefined;
  return /\0LAND_TIER=([^\0]*)/.exec(environ)?.[1] || undefined;
}

/** Finds senders' tiers, remembering the last reading of the tables and of the boot's sockets between connections. */
export class PeerTiers {
  /** Client port → inode, from the last reading of the tables. */
  private ports = new Map<number, string>();
  /** Inode → pid, from the last walk. */
  private owners = new Map<string, number>();
  /** The boot's processes at the last full walk: looked at again first (a new connection is mostly a known child's). */
  private known: number[] = [];
  /** Each connection's answer, for as long as the connection lives. */
  private readonly answers = new WeakMap<object, { tier: string | undefined }>();

  constructor(
    private readonly serverPort: () => number,
    private readonly bootId: string,
  ) {}

  /** The tier of the process at the other end of `connection` (whose client port is `peerPort`), if it is found. */
  tierOf(connection: object, peerPort: number): string | undefined {
    let answer = this.answers.get(connection);
    if (!answer) this.answers.set(connection, (answer = { tier: this.lookUp(peerPort) }));
    return answer.tier;
  }

  private lookUp(peerPort: number): string | undefined {
    // A remembered port's inode may be an older connection's: its owner must still hold it, else read again.
    let inode = this.ports.get(peerPort);
    let pid = inode === undefined ? undefined : this.owners.get(inode);
    if (inode === undefined || pid === undefined || !holds(pid, inode)) {
      // The server listens on IPv4: a client's end is in tcp6 only for a dual-stack socket (v4-mapped), seldom.
      this.ports = connectionsTo(this.serverPort(), '/proc/net/tcp');
      inode = this.ports.get(peerPort);
      if (inode === undefined) inode = connectionsTo(this.serverPort(), '/proc/net/tcp6', this.ports).get(peerPort);
      if (inode === undefined) return undefined;
      pid = this.ownerOf(inode);
    }
    return pid === undefined ? undefined : tierOfPid(pid, this.bootId);
  }

  /** The owner of a socket: among the processes known, else among all of the boot's (a fresh walk of /proc). */
  private ownerOf(inode: string): number | undefined {
    const remembered = this.owners.get(inode);
    if (remembered !== undefined && holds(remembered, inode)) return remembered;
    this.owners = socketsHeldBy(this.known);
    if (!this.owners.has(inode)) {
      this.known = processesMarked({ LAND_BOOT_ID: this.bootId }, { fresh: true });
      this.owners = socketsHeldBy(this.known);
    }
    return this.owners.get(inode);
  }
}
