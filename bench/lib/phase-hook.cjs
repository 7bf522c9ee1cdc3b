// Preloaded into the tool (`node --require`) by bench/boot-phases-ab.mjs: the process's own CPU (process.cpuUsage,
// µs, threads included) when this hook loads (node's own start done), at its first child_process spawn, inside every
// spawn call, and at the end of its last one; `adopt`: from the end of the last spawn of a synchronous run of spawns
// (a wave: land forks every tier of it, then adopts them in the same tick) to that tick's end, summed over the runs
// of two spawns or more (the guardian's lone spawn is not a wave).
// Not a V8 flag, so V8's code caches stay valid. Written to `$BENCH_PHASES_OUT.<pid>` when the process exits.
const { ChildProcess } = require('node:child_process');
const { writeFileSync } = require('node:fs');

const out = process.env.BENCH_PHASES_OUT;
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
const record = { atLoad: cpuMs(), first: undefined, inSpawn: 0, spawns: 0, lastSpawnEnd: undefined, adopt: 0, waves: 0 };
let inTick = 0;
const spawn = ChildProcess.prototype.spawn;
ChildProcess.prototype.spawn = function timedSpawn(options) {
  const before = cpuMs();
  record.first ??= before;
  try {
    return spawn.call(this, options);
  } finally {
    const after = cpuMs();
    record.inSpawn += after - before;
    record.spawns += 1;
    record.lastSpawnEnd = after;
    if (inTick++ === 0) {
      process.nextTick(() => {
        if (inTick >= 2) {
          record.adopt += cpuMs() - record.lastSpawnEnd;
          record.waves += 1;
        }
        inTick = 0;
      });
    }
  }
};
if (out) process.on('exit', () => writeFileSync(`${out}.${process.pid}`, JSON.stringify(record)));
