/** A stable colour per tier (its position in the stack), for merged logs and charts. Always shown next to the name. */
const PALETTE = ['#2f81f7', '#d29922', '#3fb950', '#db61a2', '#a371f7', '#f0883e', '#39c5cf', '#e5534b', '#8ddb8c', '#96d0ff', '#e0a3f5', '#ffb77c'];

export function tierColor(index: number): string {
  return PALETTE[((index % PALETTE.length) + PALETTE.length) % PALETTE.length]!;
}
