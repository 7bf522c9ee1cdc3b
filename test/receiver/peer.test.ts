/**
 * Finding the tier of a connection's sender (peer.ts) for a burst of new connections from several children at once:
 * each connection is its own sender's, whoever opened it, including when the children open the next burst (new
 * ports, the readings remembered from the last one), whether or not the server told it of the connection, and a
 * process of another boot, or of none, is nobody's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PeerTiers } from '../../src/receiver/peer.js';

const HAS_PROC = process.platform === 'linux';

/** A child that opens `perChild` connections to PORT at each line on stdin (closing the last ones), writing its name. */
const CHILD = `
const net = require('node:net');
let open = [];
process.stdin.on('data', () => {
  for (const socket of open) socket.destroy();
  open = Array.from({ length: Number(process.env.PER_CHILD) }, () =>
    net.connect(Number(process.env.PORT), '127.0.0.1', function () { this.write(process.env.NAME + '\\n'); }));
});
process.stdin.on('end', () => process.exit(0));
`;

const children: ChildProcess[] = [];
let server: Server | undefined;
afterEach(async () => {
  for (const child of children.splice(0)) {
    child.stdin?.end();
    if (child.exitCode === null) await once(child, 'exit');
  }
  server?.close();
  server = undefined;
});

describe.runIf(HAS_PROC)("a connection's sender", () => {
  it('a burst of new connections from several children is each its own sender\'s, burst after burst', async () => {
    const bootId = `peer-test-${process.pid}`;
    const perChild = 3;
    let arrived: Array<{ socket: Socket; name: string }> = [];
    let expected = 0;
    let accepted = 0;
    let done: () => void = () => {};
    // Told of each connection as the receiver's server tells it, but the last of each child's, as a server that does not.
    server = createServer((socket) => {
      if (++accepted % perChild !== 0) tiers.connected(socket);
      socket.on('error', () => {});
      socket.once('data', (data) => {
        arrived.push({ socket, name: data.toString().trim() });
        if (arrived.length === expected) done();
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as { port: number }).port;
    const tiers = new PeerTiers(() => port, bootId);
    const senders = [
      { name: 'api', env: { LAND_BOOT_ID: bootId, LAND_TIER: 'api' } },
      { name: 'web', env: { LAND_BOOT_ID: bootId, LAND_TIER: 'web' } },
      { name: 'worker', env: { LAND_BOOT_ID: bootId, LAND_TIER: 'worker' } },
      // Another boot's tier, and a process of no boot: neither is this boot's.
      { name: 'other-boot', env: { LAND_BOOT_ID: `${bootId}-other`, LAND_TIER: 'api' } },
      { name: 'stranger', env: {} },
    ];
    for (const sender of senders) {
      const env = { ...process.env, PORT: String(port), PER_CHILD: String(perChild), NAME: sender.name, ...sender.env };
      if (!sender.env.LAND_BOOT_ID) delete env.LAND_BOOT_ID;
      if (!sender.env.LAND_TIER) delete env.LAND_TIER;
      children.push(spawn(process.execPath, ['-e', CHILD], { env, stdio: ['pipe', 'inherit', 'inherit'] }));
    }
    const expectedTier: Record<string, string | undefined> = { api: 'api', web: 'web', worker: 'worker', 'other-boot': undefined, stranger: undefined };

    for (let burst = 0; burst < 3; burst++) {
      arrived = [];
      expected = senders.length * perChild;
      const all = new Promise<void>((resolve) => (done = resolve));
      for (const child of children) child.stdin!.write('go\n');
      await all;
      // Looked up in an order unlike their arrival: the children's connections interleave.
      const answers = arrived.reverse().map(({ socket, name }) => ({ name, tier: tiers.tierOf(socket, socket.remotePort!) }));
      expect(answers).toHaveLength(senders.length * perChild);
      for (const { name, tier } of answers) expect({ name, tier }).toEqual({ name, tier: expectedTier[name] });
      // Asked again, a connection's answer is the one it got.
      for (const { socket, name } of arrived) expect(tiers.tierOf(socket, socket.remotePort!)).toBe(expectedTier[name]);
    }
    for (const { socket } of arrived) socket.destroy();
  }, 30_000);
});
