/**
 * ink's `measureText` (ink 6.8.0, build/measure-text.js), which yoga calls for every text node it lays out: the same
 * answer, with a cache that forgets (ink's keeps every text it ever measured: under a log flood, every line and every
 * table row with a new last line, for as long as land runs) and widths counted without a segmenter where they can be.
 */
import { BoundedCache } from './bounded-cache.js';
import { widestLine } from '../../text/width.js';

const sizes = new BoundedCache<{ width: number; height: number }>(4_000);

export default function measureText(text: string): { width: number; height: number } {
  if (text.length === 0) return { width: 0, height: 0 };
  let size = sizes.get(text);
  if (size === undefined) {
    size = { width: widestLine(text), height: text.split('\n').length };
    sizes.set(text, size);
  }
  return size;
}
