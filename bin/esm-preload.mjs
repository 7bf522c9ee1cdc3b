// Loaded by bin/land.js before `land up` sets its V8 flags, so that node's ES module loader (and its resolver, which a
// config's first import needs) is compiled from node's own code cache, not from source (docs/decisions.md, "Start-up,
// eleventh pass"). It runs nothing.
import 'node:path';
