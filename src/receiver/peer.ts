/**
 * Which tier sent a request whose resource does not say: the process at the other end of the connection. On Linux,
 * /proc/net/tcp{,6} gives the socket's inode from the two ports, the `socket:[inode]` links under /proc/<pid>/fd give
 * its owner among this boot's processes (the ones marked with its LAND_BOOT_ID), and that process's environment its
 * LAND_TIER. Elsewhere (no /proc) nothing is found and the item stays unattributed.
 *
 * Looked up once per connection, and cheaply for a burst of them: one reading of the tables serves every connection
 * it lists, and one walk of the boot's processes' files maps every socket they hold to its owner (a remembered owner
 * is confirmed to hold the socket still, so a pid used again is never read from a stale entry); see docs/decisions.md, "Attribution and the store's fairness (nineteenth wave)".
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

/**
 * Finds senders' tiers, remembering the last reading of the tables and of the boot's sockets between connections.
 * The server tells it of each connection as it is accepted (`connected`), so a reading is known to list a connection
 * (it was taken after) or not (read again): a port used again never finds an older connection's entry.
 */
export class PeerTiers {
  /** Client port → inode, from the last reading of the tables. */
  private ports = new Map<number, string>();
  /** Connections accepted so far, and how many of them had been when the tables were last read. */
  private accepted = 0;
  private readAfter = 0;
  private readTcp6 = false;
  private readonly stamps = new WeakMap<object, number>();
  /** Inode → pid, from the last walk. */
  private owners = new Map<string, number>();
  /** The boot's processes at the last full walk: looked at again first (a new connection is mostly a known child's). */
  private known: number[] = [];
  /** Whether all of the boot's processes were walked since the tables were read: a socket not found then is nobody's. */
  private walkedAll = false;
  /** Each connection's answer, for as long as the connection lives. */
  private readonly answers = new WeakMap<object, { tier: string | undefined }>();

  constructor(
    private readonly serverPort: () => number,
    private readonly bootId: string,
  ) {}

  /** A connection was accepted (before any request on it). */
  connected(connection: object): void {
    this.stamps.set(connection, ++this.accepted);
  }

  /** The tier of the process at the other end of `connection` (whose client port is `peerPort`), if it is found. */
  tierOf(connection: object, peerPort: number): string | undefined {
    let answer = this.answers.get(connection);
    if (!answer) this.answers.set(connection, (answer = { tier: this.lookUp(connection, peerPort) }));
    return answer.tier;
  }

  private lookUp(connection: object, peerPort: number): string | undefined {
    // One not announced (or accepted after the last reading) may be missing from it, or find an older one's port.
    if ((this.stamps.get(connection) ?? Infinity) > this.readAfter) {
      this.readAfter = this.accepted;
      this.ports = connectionsTo(this.serverPort(), '/proc/net/tcp');
      this.readTcp6 = false;
      this.walkedAll = false;
    }
    let inode = this.ports.get(peerPort);
    // The server listens on IPv4: a client's end is in tcp6 only for a dual-stack socket (v4-mapped), seldom.
    if (inode === undefined && !this.readTcp6) {
      this.readTcp6 = true;
      inode = connectionsTo(this.serverPort(), '/proc/net/tcp6', this.ports).get(peerPort);
    }
    const pid = inode === undefined ? undefined : this.ownerOf(inode);
    return pid === undefined ? undefined : tierOfPid(pid, this.bootId);
  }

  /** The owner of a socket: among the processes known, else among all of the boot's (a fresh walk of /proc). */
  private ownerOf(inode: string): number | undefined {
    const remembered = this.owners.get(inode);
    if (remembered !== undefined && holds(remembered, inode)) return remembered;
    // A burst of connections from processes not of the boot (a sender outside the stack) costs one walk, not one each.
    if (this.walkedAll) return undefined;
    this.owners = socketsHeldBy(this.known);
    if (!this.owners.has(inode)) {
      this.known = processesMarked({ LAND_BOOT_ID: this.bootId }, { fresh: true });
      this.owners = socketsHeldBy(this.known);
      this.walkedAll = true;
    }
    return this.owners.get(inode);
  }
}
