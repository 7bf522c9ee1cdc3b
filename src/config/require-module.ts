/**
 * A config's ES module loaded by node's `require()`, which loads ES modules synchronously since node 20.19: the same
 * loader, resolution, linking, evaluation and errors as `import()`, and the same module afterwards (a later `import()`
 * of the file gets this instance), without the promise-driven module jobs that `import()` sets up first. Before
 * `land up`'s first spawn that was ≈ 9 ms of CPU of ≈ 60 (docs/decisions.md, "Start-up, eleventh pass").
 */
import { createRequire } from 'node:module';

const requireHere = createRequire(import.meta.url);

/**
 * The module's namespace, or undefined where `require()` declines before running any of it: a graph with a top-level
 * await (ERR_REQUIRE_ASYNC_MODULE), a node without `require()` of ES modules (ERR_REQUIRE_ESM), the file gone. The
 * caller then imports it. Any other error (the config's own, a module not found) is the config's, thrown as `import()` throws it.
 */
export function requireEsModule(file: string): { default?: unknown } | undefined {
  try {
    return requireHere(file) as { default?: unknown };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_REQUIRE_ASYNC_MODULE' || code === 'ERR_REQUIRE_ESM') return undefined;
    // The file itself gone meanwhile: import() says so in its own words (its code, ERR_MODULE_NOT_FOUND).
    if (code === 'MODULE_NOT_FOUND' && (error as Error).message.startsWith(`Cannot find module '${file}'`)) return undefined;
    throw error;
  }
}
