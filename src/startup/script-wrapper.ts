/**
 * The function a script of the bundle (dist/cli, CommonJS) runs in: node's module wrapper plus `__landImport`
 * (src/startup/code-cache.ts). scripts/bundle.mjs writes each script already inside it, so the code cache's loader
 * compiles the file's text as node read it: wrapping it at load made a second copy of every script's source (≈ 430 KB
 * for `land up`, one more scavenge before its first spawn) whose first copy was garbage at once.
 */
export const SCRIPT_HEAD = '(function (exports, require, module, __filename, __dirname, __landImport) { ';
export const SCRIPT_TAIL = '\n});';

/** `content` inside the wrapper, unless it is already (a script of this bundle: scripts/bundle.mjs wrapped it). */
export const wrapScript = (content: string): string => (content.startsWith(SCRIPT_HEAD) ? content : `${SCRIPT_HEAD}${content}${SCRIPT_TAIL}`);
