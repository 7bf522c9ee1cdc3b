/** Compose: a memory limit under Docker's 6 MiB floor is exported with a warning (Docker refuses the container). */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolvePlan } from '../../src/config/plan.js';
import { resolveConfig } from '../../src/config/resolve.js';
import { exportCompose } from '../../src/export/compose.js';
import { buildExportModel } from '../../src/export/model.js';
import { makeTempProject } from '../config/temp-project.js';

const project = makeTempProject('land-export-memory-');
afterAll(() => project.remove());

function composeWarnings(memory: string): string[] {
  const tiers = { api: { command: ['node', 'api.js'], limits: { memory } } };
  const config = resolveConfig({ app: 'shop', tiers }, path.join(project.dir, 'land.config.ts'), 'land.config.ts');
  const model = buildExportModel(resolvePlan(config, { shellEnv: {} }), {});
  return exportCompose(model).warnings.map((warning) => warning.text);
}

describe("Compose export: Docker's memory floor", () => {
  it('warns under 6 MiB, not at it', () => {
    expect(composeWarnings('4M')).toContain("memory limit 4 MiB is under Docker's minimum of 6 MiB: Docker refuses to create the container");
    expect(composeWarnings('6M').some((text) => text.includes("Docker's minimum"))).toBe(false);
  });
});
