// Scenario 6, telemetry overhead: land's boot with both pipes on (PostHog and OTLP) against hosts that refuse
// connections and against hosts that accept and never answer, and with Record=1, against land with telemetry off.
// Also the stop request → land exited, where the pipes get their bounded flush.
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { addMetric, interleave, newResult } from '../lib/scenario.mjs';
import { boot, finish, stopAndWatch } from '../lib/session.mjs';

/** A loopback port with nothing listening (connection refused). */
async function closedPort() {
  const server = createServer();
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address();
  await new Promise((done) => server.close(done));
  return port;
}

/** A loopback listener that accepts and never answers (a hung collector). */
async function silentHost() {
  const sockets = new Set();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  return {
    port: server.address().port,
    close: () => new Promise((done) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => done());
    }),
  };
}

const pipesOn = (port) => ({
  Capture: 'true',
  Report: 'true',
  Authorize: 'phc_bench_placeholder_not_a_key',
  Beam: `http://127.0.0.1:${port}`,
  OTLPEnabled: 'true',
  OTLPEndpoint: `http://127.0.0.1:${port}`,
});

export async function run(ctx) {
  const result = newResult('telemetry', 'Telemetry overhead', {
    base: 'off',
    describe:
      "land's boot (launch → every child connected) with PostHog and OTLP on against loopback hosts that refuse, or accept and never answer; " +
      'and with Record=1 (NDJSON on disk); against land with telemetry off. Then SIGINT → land exited.',
  });
  result.labels = { off: 'land, telemetry off', dead: 'land, pipes on, hosts refuse', hanging: 'land, pipes on, hosts hang', record: 'land, Record=1' };
  const silent = await silentHost();
  const variants = { off: {}, dead: pipesOn(await closedPort()), hanging: pipesOn(silent.port), record: { Record: '1' } };
  try {
    // --quick: 8 children, where land's own part of the boot (and so any telemetry cost) weighs most.
    for (const n of ctx.quick ? ctx.sizes.filter((size) => size === 8) : ctx.sizes) {
      const ready = addMetric(result, `boot_${n}`, `boot, ${n} children`, 'ms');
      const cpu = addMetric(result, `boot_cpu_${n}`, `land's CPU until ready, ${n} children`, 'ms');
      const exit = addMetric(result, `exit_${n}`, `SIGINT → land exited, ${n} children`, 'ms');
      await interleave(ctx, result, Object.keys(variants), ctx.roundsFor(n), async (variant) => {
        const up = await boot(ctx.hub, 'land', n, { options: { env: variants[variant] } });
        try {
          ready.record(variant, up.readyMs);
          cpu.record(variant, up.cpuMs);
          await sleep(200);
          const down = await stopAndWatch(up.run, up.pids);
          exit.record(variant, down.exitMs);
        } finally {
          await finish(up.run, up.pids);
        }
      }, { label: `N=${n}` });
    }
  } finally {
    await silent.close();
  }
  return result;
}
