/** `land export <engine>`: the stack under a profile, written for systemd, Docker Compose or Kubernetes. */
import path from 'node:path';
import { displayPath } from '../config/display-path.js';
import { buildExportModel, type Engine, type EngineExport, type ExportModel } from '../export/model.js';
import { describeExport, writeExport } from '../export/write.js';
import { readPlan } from './inputs.js';
import { appNameProblem } from '../config/app-name.js';
import { InputError } from '../errors.js';

export interface ExportOptions {
  config?: string;
  profile?: string;
  out?: string;
  image?: string;
}

// One engine module per export, loaded when asked for.
const engines: Record<Engine, (model: ExportModel, options: ExportOptions) => Promise<EngineExport>> = {
  systemd: async (model) => (await import('../export/systemd.js')).exportSystemd(model),
  compose: async (model, options) => (await import('../export/compose.js')).exportCompose(model, { image: options.image }),
  kubernetes: async (model, options) => (await import('../export/kubernetes.js')).exportKubernetes(model, { image: options.image }),
};

export async function exportCommand(engine: Engine, options: ExportOptions): Promise<number> {
  const plan = await readPlan(options);
  // `land up` takes any `app` (or the folder's name standing in for it); the engines' unit and object names do not.
  const appProblem = appNameProblem(plan.config);
  if (appProblem) throw new InputError(`${displayPath(plan.config.configFile)}: ${appProblem}`);
  const model = buildExportModel(plan);
  const result = await engines[engine](model, options);
  const outDir = path.resolve(options.out ?? path.join(plan.config.rootDir, '.land', 'export', engine));
  writeExport(result, outDir);
  process.stdout.write(describeExport(result, outDir, displayPath));
  return 0;
}
