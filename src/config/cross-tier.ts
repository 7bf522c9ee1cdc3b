/** Checks across tiers, read from the raw input apart from the schema (schema.ts). */
import type * as z from 'zod/mini';

/**
 * A daemon tier never completes (its daemon's end has no exit code: a failure unless land stopped it), so a
 * dependent waiting for it to be `completed` would never start. Read from the raw input, apart from the schema: a
 * refinement of the tiers record would not run while any tier has an error of its own, and `land check` lists
 * every problem.
 */
export function daemonDependencyIssues(input: unknown): z.core.$ZodIssue[] {
  const tiers = isRecord(input) ? input.tiers : undefined;
  if (!isRecord(tiers)) return [];
  const issues: z.core.$ZodIssue[] = [];
  for (const [name, tier] of Object.entries(tiers)) {
    const dependsOn = isRecord(tier) ? tier.dependsOn : undefined;
    if (!isRecord(dependsOn)) continue;
    for (const [dependency, condition] of Object.entries(dependsOn)) {
      const target = tiers[dependency];
      if (condition !== 'completed' || !isRecord(target) || !isDaemon(target.daemon)) continue;
      const message = `expected started or ready: ${dependency} is a daemon tier (daemon: true), which never completes`;
      issues.push({ code: 'custom', message, path: ['tiers', name, 'dependsOn', dependency], params: { got: JSON.stringify(condition) } });
    }
  }
  return issues;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `daemon: true` or `daemon: { pidFile }`, as given (not yet validated). */
const isDaemon = (value: unknown): boolean => value === true || isRecord(value);
