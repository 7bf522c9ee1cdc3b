/**
 * ink's `wrapText` (ink 6.8.0, build/wrap-text.js): a text node's text wrapped or cut to the width it got. The same
 * answer, with a cache that forgets (ink's keeps every text it ever wrapped), and a text that already fits is given
 * back without asking cli-truncate (which would measure it again, with string-width's segmenter).
 */
import cliTruncate from 'cli-truncate';
import wrapAnsi from 'wrap-ansi';
import { BoundedCache } from './bounded-cache.js';
import { textWidth } from '../../text/width.js';

const wrapped = new BoundedCache<string>(4_000);

type WrapType = 'wrap' | 'end' | 'middle' | 'truncate-end' | 'truncate' | 'truncate-middle' | 'truncate-start';

export default function wrapText(text: string, maxWidth: number, wrapType: WrapType): string {
  const key = `${text}${maxWidth}${wrapType}`;
  const cached = wrapped.get(key);
  if (cached !== undefined) return cached;
  let result = text;
  if (wrapType === 'wrap') result = wrapAnsi(text, maxWidth, { trim: false, hard: true });
  if (wrapType.startsWith('truncate')) {
    const position = wrapType === 'truncate-middle' ? 'middle' : wrapType === 'truncate-start' ? 'start' : 'end';
    // cli-truncate gives a text that fits back as it is (and '' for no room at all).
    result = maxWidth >= 1 && textWidth(text) <= maxWidth ? text : cliTruncate(text, maxWidth, { position });
  }
  wrapped.set(key, result);
  return result;
}
