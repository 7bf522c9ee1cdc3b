/** Reading back what `land export` wrote, through the engines' own tools where they run here. */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { CronJob } from 'kubernetes-models/batch/v1/CronJob';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { landDone } from '../helpers/land.js';
import { readSystemdEnvFileAt } from './env-file-readers.js';

const run = promisify(execFile);

/** The engines the round-trip tests export to and read back. */
export const ENGINES = ['systemd', 'compose', 'kubernetes'] as const;
export interface Exported {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `land export <engine> [args] --out <outRoot>/<engine>` of the project `dir` for each engine, the three side by side
 * (each its own land): what each printed and its exit, by engine.
 */
export async function exportEach(dir: string, outRoot: string, args: string[] = [], env?: Record<string, string>): Promise<Record<string, Exported>> {
  const results = await Promise.all(ENGINES.map((engine) => landDone(['export', engine, ...args, '--out', join(outRoot, engine)], dir, env)));
  return Object.fromEntries(ENGINES.map((engine, index) => [engine, results[index]!]));
}

/** A tool's exit, output and errors, whatever the exit code. */
export async function tool(file: string, args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(file, args, { cwd, timeout: 60_000, maxBuffer: 16 << 20 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number | string; stdout?: string; stderr?: string; message: string };
    return { code: typeof failed.code === 'number' ? failed.code : 127, stdout: failed.stdout ?? '', stderr: failed.stderr ?? failed.message };
  }
}

/** `systemd-analyze verify` on every unit of the folder (Debian's systemd). */
export function verifyUnits(dir: string) {
  const units = readdirSync(dir).filter((name) => /\.(service|target|timer)$/.test(name));
  return tool('systemd-analyze', ['verify', '--man=no', ...units.map((unit) => `./${unit}`)], dir);
}

/** `$$` back to `$` in every string: docker-compose config prints its result escaped for Compose again. */
function unescapeDollars(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/\$\$/g, '$');
  if (Array.isArray(value)) return value.map(unescapeDollars);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, unescapeDollars(inner)]));
  return value;
}

/**
 * `docker-compose config`: Compose's own validation and its normalized file, parsed, with the strings as the
 * container gets them.
 */
export async function composeConfig(dir: string): Promise<{ code: number; stderr: string; config: ComposeFile }> {
  const result = await tool('docker-compose', ['-f', 'compose.yaml', 'config'], dir);
  return { code: result.code, stderr: result.stderr, config: (result.code === 0 ? unescapeDollars(parseYaml(result.stdout)) : {}) as ComposeFile };
}

export interface ComposeFile {
  services: Record<string, Record<string, any>>;
}

/** A unit file as sections of key → values (a key may repeat: Environment=, After=). */
export function readUnit(file: string): Record<string, Record<string, string[]>> {
  const sections: Record<string, Record<string, string[]>> = {};
  let current: Record<string, string[]> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const section = /^\[(\w+)\]$/.exec(line);
    if (section) {
      current = sections[section[1]!] ??= {};
      continue;
    }
    const entry = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (entry) (current[entry[1]!] ??= []).push(entry[2]!);
  }
  return sections;
}

/** `Environment="K=V"` lines of a unit back to a record (systemd's quoting undone). */
export function unitEnvironment(values: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const value of values) {
    const text = value.slice(1, -1).replace(/\\(["\\])/g, '$1').replace(/%%/g, '%');
    env[text.slice(0, text.indexOf('='))] = text.slice(text.indexOf('=') + 1);
  }
  return env;
}

const MODELS: Record<string, new (data: any) => { validate(): void }> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'batch/v1/CronJob': CronJob,
  'rbac.authorization.k8s.io/v1/Role': Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
};

export type KubeObject = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string> }; [key: string]: any };

/**
 * Every document of a YAML stream, each validated against the official Kubernetes schema of its kind
 * (kubernetes-models): throws with the object and the schema's complaint.
 */
export function readKubernetes(file: string): KubeObject[] {
  const objects: KubeObject[] = [];
  for (const document of parseAllDocuments(readFileSync(file, 'utf8'))) {
    if (document.errors.length > 0) throw new Error(`${file}: ${document.errors[0]!.message}`);
    const object = document.toJS() as KubeObject;
    const Model = MODELS[`${object.apiVersion}/${object.kind}`];
    if (!Model) throw new Error(`${file}: no schema for ${object.apiVersion} ${object.kind}`);
    try {
      new Model(object).validate();
    } catch (error) {
      throw new Error(`${file}: ${object.kind} ${object.metadata?.name}: ${(error as Error).message}`);
    }
    objects.push(object);
  }
  return objects;
}

export function fileMode(file: string): number {
  return statSync(file).mode & 0o777;
}

/** Every file of a folder with its text. */
export function allFiles(dir: string): Array<{ name: string; text: string }> {
  return readdirSync(dir).map((name) => ({ name, text: readFileSync(join(dir, name), 'utf8') }));
}

/**
 * An Exec line of a unit as the argv systemd runs: words split on unquoted spaces, double quotes with their C
 * escapes undone, `$$` and `%%` back to `$` and `%`, and `${KEY}` (a word of its own) replaced by `env[KEY]`.
 */
export function execArgv(line: string, env: Record<string, string>): string[] {
  const words: string[] = [];
  for (const [, quoted, bare] of line.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)) {
    const word = quoted !== undefined ? quoted.replace(/\\(["\\])/g, '$1').replace(/\\n/g, '\n') : bare!;
    // systemd's `${KEY}` is the variable's exact value, inside a word or as one; `$$` and `%%` are one character.
    words.push(word.replace(/\$\$|%%|\$\{(\w+)\}/g, (text, key: string | undefined) => (key !== undefined ? env[key]! : text[0]!)));
  }
  return words;
}

/** A systemd EnvironmentFile as systemd reads it (env-file-readers.ts follows its parser), as a record. */
export function readEnvironmentFile(file: string): Record<string, string> {
  return readSystemdEnvFileAt(file);
}
