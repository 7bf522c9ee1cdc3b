/** `text` as a RegExp source that matches it literally (RegExp.escape comes with Node 24; land runs on Node 20). */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
