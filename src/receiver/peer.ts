/**
 * Which tier sent a request whose resource does not say: the process at the other end of the connection. On Linux,
 * /proc/net/tcp{,6} gives the socket's inode from the two ports, the `socket:[inode]` link under /proc/<pid>/fd
 * gives its owner among this boot's processes (the ones marked with its LAND_BOOT_ID), and that process's
 * environment its LAND_TIER. Elsewhere (no /proc) nothing is found and the item stays unattributed.
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

/** The inode of the TCP socket from `peerPort` to `serverPort` (the client's end), if the kernel lists one. */
export function socketInode(peerPort: number, serverPort: number): string | undefined {
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readOr(table).split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const local = fields[1]?.split(':')[1];
      const remote = fields[2]?.split(':')[1];
      if (local && remote && parseInt(local, 16) === peerPort && parseInt(remote, 16) === serverPort) return fields[9];
    }
  }
  return undefined;
}

function ownsSocket(pid: number, link: string): boolean {
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return false;
  }
  for (const fd of fds) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`) === link) return true;
    } catch {
      // closed meanwhile
    }
  }
  return false;
}

function tierOfPid(pid: number): string | undefined {
  const match = /(?:^|\0)LAND_TIER=([^\0]*)/.exec(readOr(`/proc/${pid}/environ`));
  return match?.[1] || undefined;
}

/** The LAND_TIER of this boot's process that holds the client end of the connection, if it can be found. */
export function tierOfPeer(peerPort: number, serverPort: number, bootId: string): string | undefined {
  const inode = socketInode(peerPort, serverPort);
  if (!inode || inode === '0') return undefined;
  const link = `socket:[${inode}]`;
  for (const pid of processesMarked({ LAND_BOOT_ID: bootId }, { fresh: true })) {
    if (ownsSocket(pid, link)) return tierOfPid(pid);
  }
  return undefined;
}

const PEER_CACHE_MS = 30_000;

/**
 * `tierOfPeer` remembered for a while per peer port (a client's connection sends many requests; /proc is read once),
 * at most 1024 ports. `serverPort`: read when asked (the server's port is known once it listens).
 */
export function peerTierCache(serverPort: () => number, bootId: string): (peerPort: number) => string | undefined {
  const peers = new Map<number, { tier: string | undefined; at: number }>();
  return (peerPort) => {
    const cached = peers.get(peerPort);
    if (cached && Date.now() - cached.at < PEER_CACHE_MS) return cached.tier;
    const tier = tierOfPeer(peerPort, serverPort(), bootId);
    peers.set(peerPort, { tier, at: Date.now() });
    if (peers.size > 1024) peers.delete(peers.keys().next().value!);
    return tier;
  };
}
