/**
 * What goes in front of each line of a tier in plain output: `name |` padded to the longest name (and `mountain`),
 * coloured by the tier's place in the stack, then a space. `land up --no-tui`'s printer and `land logs` for several
 * tiers both print it, so a tier looks the same in both.
 */
import { styleText } from 'node:util';

type Color = Parameters<typeof styleText>[0];
const PALETTE: Color[] = ['cyan', 'magenta', 'yellow', 'green', 'blue', 'redBright', 'cyanBright', 'magentaBright'];

/** Colours on a terminal, unless NO_COLOR is set or TERM is dumb. */
export function useColor(stream: NodeJS.WriteStream): boolean {
  return Boolean(stream.isTTY) && !('NO_COLOR' in process.env) && process.env.TERM !== 'dumb';
}

export interface TierHead {
  text: string;
  bytes: Buffer;
}

/** `names`: the stack's instances in its order (colours go by it); a name not among them gets the first colour. */
export function tierHeads(names: readonly string[], color: boolean): (name: string) => TierHead {
  const width = Math.max('mountain'.length, ...names.map((name) => name.length));
  const order = new Map(names.map((name, index) => [name, index]));
  const heads = new Map<string, TierHead>();
  return (name) => {
    let head = heads.get(name);
    if (head === undefined) {
      // mountain (land's own lines) takes the palette's last colour.
      const index = name === 'mountain' && !order.has(name) ? PALETTE.length - 1 : (order.get(name) ?? 0);
      const padded = `${name.padEnd(width)} |`;
      const text = `${color ? styleText(PALETTE[index % PALETTE.length]!, padded) : padded} `;
      head = { text, bytes: Buffer.from(text) };
      heads.set(name, head);
    }
    return head;
  };
}
