/** `land export <engine>`: the stack under a profile, written for systemd, Docker Compose, Kubernetes or supervisord. */
import { statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { displayPath } from '../config/display-path.js';
import { buildExportModel, type Engine, type EngineExport, type ExportModel } from '../export/model.js';
import { describeExport, writeExport } from '../export/write.js';
import { readPlan } from './inputs.js';
import { APP_NAME_RULE, appNameProblem, isAppName } from '../config/app-name.js';
import { IMAGE_RULE, isImageReference } from '../export/image-ref.js';
import { InputError } from '../errors.js';

export interface ExportOptions {
  config?: string;
  procfile?: string;
  profile?: string;
  /** A Procfile's formation, as `land up -m` takes it. */
  formation?: string;
  out?: string;
  image?: string;
  app?: string;
}

// One engine module per export, loaded when asked for.
const engines: Record<Engine, (model: ExportModel, options: ExportOptions) => Promise<EngineExport>> = {
  systemd: async (model) => (await import('../export/systemd.js')).exportSystemd(model),
  compose: async (model, options) => (await import('../export/compose.js')).exportCompose(model, { image: options.image }),
  kubernetes: async (model, options) => (await import('../export/kubernetes.js')).exportKubernetes(model, { image: options.image }),
  supervisord: async (model) => (await import('../export/supervisord.js')).exportSupervisord(model),
};

/** The flags a person typed, checked before the stack is read: bad input names the flag. */
function checkFlags(options: ExportOptions): void {
  if (options.image !== undefined && !isImageReference(options.image)) {
    throw new InputError(`--image: expected ${IMAGE_RULE}, got ${JSON.stringify(options.image)}`);
  }
  if (options.app !== undefined && !isAppName(options.app)) {
    throw new InputError(`--app: expected an application name of ${APP_NAME_RULE}, got ${JSON.stringify(options.app)}`);
  }
}

/** What is at a path, or undefined when nothing is (or a file on the way hides it: ENOTDIR). */
function statOf(file: string): Stats | undefined {
  try {
    return statSync(file);
  } catch (error) {
    if (['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '')) return undefined;
    throw error;
  }
}

/** The output folder: a file (or a file on the way to it) where a folder should be is bad input, before anything is written. */
function checkOutDir(outDir: string, flag: boolean): void {
  const where = flag ? '--out' : 'the output folder';
  for (let dir = outDir; ; dir = path.dirname(dir)) {
    const kind = statOf(dir);
    if (kind && !kind.isDirectory()) {
      const detail = dir === outDir ? 'got a file' : `${displayPath(dir)} on its way is a file`;
      throw new InputError(`${where}: expected a folder (or a path to create one at), ${detail}: ${displayPath(outDir)}`);
    }
    if (kind || path.dirname(dir) === dir) return;
  }
}

export async function exportCommand(engine: Engine, options: ExportOptions): Promise<number> {
  checkFlags(options);
  // The engines run each command inside an image (Compose, Kubernetes) or on a host that may not be this one
  // (systemd, which warns of a command it cannot find here): this machine's PATH decides nothing.
  const read = await readPlan(options, undefined, undefined, process.env, { executables: false });
  // `--app` names the stack as `app` would (a Procfile has no place for it).
  const plan = options.app === undefined ? read : { ...read, config: { ...read.config, app: options.app, appSet: true } };
  // `land up` takes any `app` (or the folder's name standing in for it); the engines' unit and object names do not.
  const appProblem = appNameProblem(plan.config);
  if (appProblem) throw new InputError(`${displayPath(plan.config.configFile)}: ${appProblem}`);
  const outDir = path.resolve(options.out ?? path.join(plan.config.rootDir, '.land', 'export', engine));
  checkOutDir(outDir, options.out !== undefined);
  const model = buildExportModel(plan);
  const result = await engines[engine](model, options);
  writeExport(result, outDir);
  process.stdout.write(describeExport(result, outDir, displayPath));
  return 0;
}
