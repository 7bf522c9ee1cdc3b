/**
 * A colour per series of a metric, from a hash of its labels: a line keeps its colour while others enter and leave
 * the drawn dozen (a colour by position moved every later line's). Two series may share one; the legend names each.
 */
const PALETTE = ['#2f81f7', '#3fb950', '#d29922', '#f778ba', '#a371f7', '#ff7b72', '#39c5cf', '#e3b341', '#8b949e', '#56d364', '#db61a2', '#79c0ff'];

/** FNV-1a (32 bits) of the labels' UTF-16 code units: the same labels, the same colour, on every page load. */
export function seriesColor(labels: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < labels.length; i += 1) hash = Math.imul(hash ^ labels.charCodeAt(i), 0x01000193);
  return PALETTE[(hash >>> 0) % PALETTE.length]!;
}
