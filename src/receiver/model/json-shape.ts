/**
 * An OTLP/JSON request's structure, checked before conversion: the lists and objects its items hang on (resource
 * groups, resources and their attributes, scopes and their item lists). A wrong type there (`"resourceLogs": "x"`)
 * is a body that does not decode (400, naming the field), not an empty request answered 200. Items are not walked:
 * one that cannot be kept is rejected on its own and counted in partial_success, so the check costs one step per
 * resource group and scope, never per item. A field that is absent or null is absent, as the protobuf decoder reads it.
 */
import { PATHS } from './convert.js';
import type { Signal } from './types.js';
import { given, isObject } from './values.js';

/** `at: expected <kind>, got …` when `value` is present and not of that kind. */
function wrong(value: unknown, kind: 'array' | 'object', at: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (kind === 'array' ? Array.isArray(value) : isObject(value)) return undefined;
  return `${at}: expected ${kind === 'array' ? 'an array' : 'an object'}, got ${given(value)}`;
}

function scopeProblem(scoped: unknown, at: string, itemKey: string): string | undefined {
  if (!isObject(scoped)) return `${at}: expected an object, got ${given(scoped)}`;
  return wrong(scoped.scope, 'object', `${at}.scope`) ?? wrong(scoped[itemKey], 'array', `${at}.${itemKey}`);
}

function groupProblem(group: unknown, at: string, scopeKey: string, itemKey: string): string | undefined {
  if (!isObject(group)) return `${at}: expected an object, got ${given(group)}`;
  const resource = group.resource;
  const problem =
    wrong(resource, 'object', `${at}.resource`) ??
    (isObject(resource) ? wrong(resource.attributes, 'array', `${at}.resource.attributes`) : undefined) ??
    wrong(group[scopeKey], 'array', `${at}.${scopeKey}`);
  if (problem !== undefined || !Array.isArray(group[scopeKey])) return problem;
  const scopes = group[scopeKey] as unknown[];
  for (let j = 0; j < scopes.length; j++) {
    const inner = scopeProblem(scopes[j], `${at}.${scopeKey}[${j}]`, itemKey);
    if (inner !== undefined) return inner;
  }
  return undefined;
}

/** The first field of `request` with the wrong type for `signal`, as `resourceLogs: expected an array, got a string`. */
export function jsonShapeProblem(request: Record<string, unknown>, signal: Signal): string | undefined {
  const [resourceKey, scopeKey, itemKey] = PATHS[signal];
  const groups = request[resourceKey];
  const top = wrong(groups, 'array', resourceKey);
  if (top !== undefined || !Array.isArray(groups)) return top;
  for (let i = 0; i < groups.length; i++) {
    const problem = groupProblem(groups[i], `${resourceKey}[${i}]`, scopeKey, itemKey);
    if (problem !== undefined) return problem;
  }
  return undefined;
}
