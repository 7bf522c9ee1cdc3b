/**
 * Kubernetes names for an export's objects. Kubernetes folds what land keeps apart: a DNS label is lowercase
 * letters, digits and '-' of at most 63 characters, so tiers `API` and `api`, or `web_1` and `web-1`, would give
 * one Deployment and one ConfigMap (`kubectl apply` keeps the last), and two long names with the same start would
 * be cut to one. Every name here is unique and the same at every export: a name that must be cut ends with a hash
 * of the whole, and tiers that fold to one label get a hash of their own name (a warning names them).
 */
import { createHash } from 'node:crypto';
import { displayPath } from '../config/display-path.js';
import { InputError } from '../errors.js';
import type { ExportWarning } from './model.js';

/** A DNS-1123 label's length, the bound of a Kubernetes name used as a label value or a container's name. */
const DNS_LABEL_MAX = 63;
const HASH_LENGTH = 6;

/** The first `length` hex digits of the text's SHA-256: the same text, the same suffix, at every export. */
function shortHash(text: string, length = HASH_LENGTH): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

function fold(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** `base` cut so that `-<hash>` fits in a label. */
function withHash(base: string, hash: string): string {
  return `${base.slice(0, DNS_LABEL_MAX - hash.length - 1).replace(/-+$/, '')}-${hash}`;
}

/**
 * A DNS-1123 label from parts joined by '-': lowercase letters, digits and '-', at most 63 characters. One that
 * does not fit is cut and ends with a hash of the parts as given, so two names with the same start stay apart.
 */
export function dnsName(...parts: string[]): string {
  const joined = fold(parts.join('-'));
  return joined.length <= DNS_LABEL_MAX ? joined : withHash(joined, shortHash(parts.join('-')));
}

/**
 * Each tier's label (its Deployment, ConfigMap, Secret, container and `component` label derive from it): its folded
 * name, unless another tier folds to the same one; then a tier whose name is not already that label takes a hash of
 * its name (`API` → `api-<hash>` beside `api`; both `Web_1` and `web_1` take one beside each other). Warnings say
 * which tiers met and what they became.
 */
export function tierLabels(names: readonly string[]): { labels: Map<string, string>; warnings: ExportWarning[] } {
  const byLabel = new Map<string, string[]>();
  for (const name of names) {
    const label = dnsName(name);
    byLabel.set(label, [...(byLabel.get(label) ?? []), name]);
  }
  const labels = new Map<string, string>();
  const taken = new Set(byLabel.keys());
  const warnings: ExportWarning[] = [];
  for (const [label, group] of byLabel) {
    if (group.length === 1) {
      labels.set(group[0]!, label);
      continue;
    }
    const renamed: string[] = [];
    for (const name of group) {
      if (name === label) {
        labels.set(name, label);
        continue;
      }
      // A longer hash in the unlikely case that the suffixed label is some other tier's.
      let unique = withHash(label, shortHash(name));
      for (let length = HASH_LENGTH + 2; taken.has(unique); length += 2) unique = withHash(label, shortHash(name, length));
      taken.add(unique);
      labels.set(name, unique);
      renamed.push(`${name} as "${unique}"`);
    }
    warnings.push({
      text: `tiers ${group.slice(0, -1).join(', ')} and ${group.at(-1)} have one Kubernetes name, "${label}" (lowercase letters, digits and -): exported ${renamed.join(', ')}, so that neither replaces the other`,
    });
  }
  return { labels, warnings };
}

/**
 * Each Service's name, by tier: its label when that is a DNS-1035 label (it starts with a letter), else
 * `tier-<label>` (a tier may be named `1web`; a Service may not), with a warning that names the host other tiers
 * reach it at. Two tiers whose Services would have one name (`1web` beside a tier named `tier-1web`) are refused:
 * `kubectl apply` would keep the last, and a hash would make a host name no one could guess.
 */
export function serviceNames(tiers: ReadonlyArray<{ name: string; label: string; port: number }>, configFile: string): { names: Map<string, string>; warnings: ExportWarning[] } {
  const names = new Map<string, string>();
  const byName = new Map<string, string>();
  const warnings: ExportWarning[] = [];
  for (const { name, label, port } of tiers) {
    const service = /^[a-z]/.test(label) ? label : dnsName('tier', label);
    const other = byName.get(service);
    if (other !== undefined) {
      throw new InputError(`${displayPath(configFile)}: tiers ${other} and ${name} would both be the Kubernetes Service "${service}" (a Service name starts with a letter, so a tier whose name does not is exported as tier-<name>): rename one of them`);
    }
    byName.set(service, name);
    names.set(name, service);
    if (service !== label) warnings.push({ tier: name, text: `Service named "${service}", not "${label}" (a Kubernetes Service name starts with a letter): other tiers reach it at http://${service}:${port}` });
  }
  return { names, warnings };
}

/**
 * File names that stay apart where case is ignored (macOS's file system by default): systemd's `<app>-<tier>.service`
 * and Compose's `<tier>.secrets.env` keep a tier's name as it is, so tiers `API` and `api` wrote two files that
 * such a file system takes for one (the second replaced the first). Among tiers whose names differ only in case, a
 * name already all lowercase is kept and each other one takes `-<hash of its name>`, the hash its Kubernetes label
 * gets (`API` → `API-c8e599`); a warning names them and the files they became (`fileOf` a stem). Tiers that meet no
 * other keep their names.
 */
export function caseSafeStems(names: readonly string[], fileOf: (stem: string) => string): { stems: Map<string, string>; warnings: ExportWarning[] } {
  const byFolded = new Map<string, string[]>();
  for (const name of names) byFolded.set(name.toLowerCase(), [...(byFolded.get(name.toLowerCase()) ?? []), name]);
  const stems = new Map(names.map((name) => [name, name]));
  const taken = new Set(byFolded.keys());
  const warnings: ExportWarning[] = [];
  for (const group of byFolded.values()) {
    if (group.length === 1) continue;
    const renamed: string[] = [];
    for (const name of group) {
      if (name === name.toLowerCase()) continue;
      let stem = `${name}-${shortHash(name)}`;
      for (let length = HASH_LENGTH + 2; taken.has(stem.toLowerCase()); length += 2) stem = `${name}-${shortHash(name, length)}`;
      taken.add(stem.toLowerCase());
      stems.set(name, stem);
      renamed.push(`${name} as "${fileOf(stem)}"`);
    }
    warnings.push({
      text: `tiers ${group.slice(0, -1).join(', ')} and ${group.at(-1)} have names that differ only in case, one file where case is ignored (macOS): exported ${renamed.join(', ')}, so that neither replaces the other`,
    });
  }
  return { stems, warnings };
}
