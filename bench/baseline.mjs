// The floor: spawn the children with child_process.spawn and do nothing else. Their output goes straight to our
// own stdout (inherited, no relay); on SIGINT/SIGTERM each child's process group gets SIGTERM, and we exit once
// every child has exited (or at once when they all end by themselves).
//   node baseline.mjs <json: array of argv arrays>
import { spawn } from 'node:child_process';

const commands = JSON.parse(process.argv[2]);
let running = 0;
const children = commands.map(([file, ...args]) => {
  const child = spawn(file, args, { stdio: ['ignore', 'inherit', 'inherit'], detached: true });
  running += 1;
  child.on('exit', () => {
    running -= 1;
    if (running === 0) process.exit(0);
  });
  return child;
});

const stop = () => {
  for (const child of children) {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  }
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
