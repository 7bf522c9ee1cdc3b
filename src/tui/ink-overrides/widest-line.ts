/**
 * The `widest-line` package as ink's render-node-to-output.js imports it (for every text node, every frame, with no
 * cache): the same widths, counted without string-width's segmenter where that is safe (src/text/width.ts).
 */
export { widestLine as default } from '../../text/width.js';
