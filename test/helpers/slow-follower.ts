/**
 * A client that reads a control socket's stream slowly: it keeps a closing land's control server draining (drain.ts).
 * It runs in a process of its own: in the test's process a busy moment (a flood's output matched by waitFor) could
 * hold its reads back past the server's stall limit (DRAIN_STALL_MS), and land would exit before the test's next step.
 */
import { spawn } from 'node:child_process';

const SCRIPT = `
const { request } = require('node:http');
const [socketPath, path] = process.argv.slice(1);
const req = request({ socketPath, path, agent: false }, (res) => {
  res.pause();
  res.on('error', () => undefined);
  res.on('end', () => process.exit(0));
  process.stdout.write('started\\n');
  setInterval(() => res.read(16384), 50);
});
req.on('error', (error) => { process.stderr.write(String(error)); process.exit(1); });
req.end();
`;

/** A streaming GET that reads 16 KiB every 50 ms (a unix socket takes more from land in bursts: each under a second) once its answer has started: behind, but never stalled. */
export async function slowFollower(socketPath: string, path: string): Promise<{ stop(): void }> {
  const child = spawn(process.execPath, ['-e', SCRIPT, socketPath, path], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`the slow follower ended (${code}) before its answer: ${stderr}`)));
  });
  return {
    stop() {
      child.kill('SIGKILL');
    },
  };
}
