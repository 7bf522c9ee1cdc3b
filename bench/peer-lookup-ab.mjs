// What finding a connection's sender costs land's main thread (src/receiver/peer.ts), this build against another:
//   node bench/peer-lookup-ab.mjs --other <dir> [--this <dir>] [--rounds 8] [--children 4] [--connections 2]
// Long-lived children marked as one boot's (LAND_BOOT_ID, LAND_TIER) each open `--connections` new connections to a
// server in this process at once, every round (a burst, as when a stack's SDKs first export); each build's lookup
// (one per build, kept across rounds as the receiver keeps it) is timed finding every connection's tier, and each
// answer is checked against the tier the child wrote on it. Builds alternate, the first of each round rotating.
// Prints each round's ms per burst and the medians. Nothing here runs at a real-time priority.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ROOT } from './lib/paths.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const rounds = Number(option('--rounds', '8'));
const childCount = Number(option('--children', '4'));
const perChild = Number(option('--connections', '2'));
const builds = [resolve(option('--this', ROOT)), resolve(option('--other', '/tmp/recv19-main'))];

/**
 * A build's lookup, { connected(socket), tierOf(socket) }: the PeerTiers class of this wave (told of each connection
 * as the receiver's server tells it), or the port cache before it.
 */
async function lookupOf(dir, port, bootId) {
  const peer = await import(join(dir, 'dist', 'src', 'receiver', 'peer.js'));
  if (peer.PeerTiers) {
    const tiers = new peer.PeerTiers(() => port, bootId);
    return { connected: (socket) => tiers.connected(socket), tierOf: (socket) => tiers.tierOf(socket, socket.remotePort) };
  }
  const cached = peer.peerTierCache(() => port, bootId);
  return { connected: () => {}, tierOf: (socket) => cached(socket.remotePort) };
}

const CHILD = `
const net = require('node:net');
let open = [];
process.stdin.on('data', () => {
  for (const socket of open) socket.destroy();
  open = Array.from({ length: ${perChild} }, () => net.connect(Number(process.env.PORT), '127.0.0.1', function () { this.write(process.env.LAND_TIER + '\\n'); }));
});
process.stdin.on('end', () => process.exit(0));
`;

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main() {
  const bootId = `bench-peer-${process.pid}`;
  let waiting;
  let burst = [];
  let lookups = [];
  const server = createServer((socket) => {
    for (const lookup of lookups) lookup.connected(socket);
    socket.once('data', (data) => {
      burst.push({ socket, tier: data.toString().trim() });
      if (burst.length === childCount * perChild) waiting?.();
    });
    socket.on('error', () => {});
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  const port = server.address().port;
  const children = Array.from({ length: childCount }, (_, i) =>
    spawn(process.execPath, ['-e', CHILD], { env: { ...process.env, PORT: String(port), LAND_BOOT_ID: bootId, LAND_TIER: `t${i}` }, stdio: ['pipe', 'inherit', 'inherit'] }),
  );
  lookups = await Promise.all(builds.map((dir) => lookupOf(dir, port, bootId)));
  const times = builds.map(() => []);
  console.log(`load ${loadavg()[0].toFixed(1)}; ${childCount} children × ${perChild} connections a burst; ${rounds} rounds`);
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? [0, 1] : [1, 0];
    const line = [];
    for (const b of order) {
      burst = [];
      const arrived = new Promise((done) => (waiting = done));
      for (const child of children) child.stdin.write('go\n');
      await arrived;
      const start = performance.now();
      const answers = burst.map(({ socket }) => lookups[b].tierOf(socket));
      const ms = performance.now() - start;
      const wrong = burst.filter(({ tier }, i) => answers[i] !== tier).length;
      if (wrong > 0) throw new Error(`${builds[b]}: ${wrong} of ${burst.length} connections attributed wrongly`);
      times[b].push(ms);
      line[b] = ms.toFixed(2);
    }
    console.log(`round ${round + 1}: this ${line[0]} ms, other ${line[1]} ms`);
  }
  for (const child of children) child.stdin.end();
  server.close();
  for (const { socket } of burst) socket.destroy();
  const [mine, other] = times.map(median);
  console.log(`median ms per burst: this ${mine.toFixed(2)}, other ${other.toFixed(2)} (${(mine / other).toFixed(2)}×); load ${loadavg()[0].toFixed(1)}`);
}

await main();
