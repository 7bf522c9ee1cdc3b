/**
 * The conformance check of the shipped alert rules: every metric a rule in docs/alerts/land.rules.yml names is one a
 * real running stack emits on /metrics, and docs/metrics.md describes every land_* metric emitted (and no other).
 * Rules are read with the `yaml` package and each expression parsed with Prometheus's own PromQL grammar.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parser } from '@prometheus-io/lezer-promql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ROOT, child, land, makeProject, removeProjects, type LandRun } from '../helpers/land.js';
import { cleanUp, http, parseProm, waitForTier } from './helpers.js';

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

const RULES_FILE = join(ROOT, 'docs', 'alerts', 'land.rules.yml');

/** The metric names an expression selects, and whether Prometheus's grammar found a syntax error. */
function metricsNamed(expr: string): { names: string[]; syntaxError: boolean } {
  const names = new Set<string>();
  let syntaxError = false;
  const tree = parser.parse(expr);
  tree.iterate({
    enter(node) {
      if (node.type.isError) syntaxError = true;
      if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector') names.add(expr.slice(node.from, node.to));
      if (node.name === 'UnquotedLabelMatcher' && /^__name__\s*=\s*"/.test(expr.slice(node.from, node.to))) {
        names.add(/"([^"]*)"/.exec(expr.slice(node.from, node.to))![1]!);
      }
    },
  });
  return { names: [...names], syntaxError };
}

/** Every series name a scrape can hold: sample names, and a histogram's or summary's parts. */
function emittedNames(text: string): Set<string> {
  const { samples, types } = parseProm(text);
  const names = new Set(samples.map((sample) => sample.name));
  for (const [name, type] of types) {
    names.add(name);
    if (type === 'histogram') for (const part of ['_bucket', '_sum', '_count']) names.add(`${name}${part}`);
    if (type === 'summary') for (const part of ['_sum', '_count']) names.add(`${name}${part}`);
  }
  return names;
}

/** Problems of a rules file against what land emits: one line each. */
function checkRules(rulesText: string, emitted: Set<string>): string[] {
  const problems: string[] = [];
  const file = parseYaml(rulesText) as { groups: Array<{ name: string; rules: Rule[] }> };
  for (const group of file.groups) {
    for (const rule of group.rules) {
      const name = rule.alert ?? rule.record ?? '(unnamed)';
      const { names, syntaxError } = metricsNamed(rule.expr);
      if (syntaxError) problems.push(`${name}: the expression does not parse as PromQL`);
      if (names.length === 0) problems.push(`${name}: names no metric`);
      for (const metric of names) if (!emitted.has(metric)) problems.push(`${name}: names ${metric}, which land does not emit`);
    }
  }
  return problems;
}

const runs: LandRun[] = [];
let scrape = '';

beforeAll(async () => {
  // Every kind of series: a ready tier, a one-shot that completed, a tier failed with an exit code.
  const dir = makeProject({
    config: {
      tiers: {
        up: { command: child('--say', 'up ready'), ready: { log: 'up ready' } },
        once: { command: child('--exit', 0) },
        broken: { command: child('--exit', 3), restart: { policy: 'never' } },
      },
    },
    profiles: { debug: 'Record=1\n' },
  });
  const run = land(['up', '--no-tui'], dir);
  runs.push(run);
  await run.waitFor(/up: starting → ready/);
  await waitForTier(dir, 'broken', (tier) => tier.state === 'failed', 'failed');
  await waitForTier(dir, 'once', (tier) => tier.state === 'exited', 'exited');
  const answer = await http({ socketPath: join(dir, '.land', 'run', 'land.sock') }, '/metrics');
  expect(answer.status).toBe(200);
  scrape = answer.body;
}, 60_000);

afterAll(async () => {
  await cleanUp(runs);
  removeProjects();
});

describe('the shipped alert rules and the metrics page against a real stack', () => {
  it('every rule parses as PromQL, is labelled and annotated, and names only metrics land emits', () => {
    const emitted = emittedNames(scrape);
    expect(emitted.has('land_tier_last_exit_code')).toBe(true);
    const rules = (parseYaml(readFileSync(RULES_FILE, 'utf8')) as { groups: Array<{ rules: Rule[] }> }).groups.flatMap((group) => group.rules);
    expect(rules.length).toBeGreaterThanOrEqual(8);
    for (const rule of rules) {
      expect(rule.alert, JSON.stringify(rule)).toMatch(/^Land[A-Za-z]+$/);
      expect(['critical', 'warning', 'info']).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary).toBeTruthy();
      if (rule.for !== undefined) expect(rule.for).toMatch(/^\d+[smh]$/);
    }
    expect(checkRules(readFileSync(RULES_FILE, 'utf8'), emitted)).toEqual([]);
    // Every land_* metric is covered by at least one rule or deliberately informational (uptime is used, info is used).
    const named = new Set(rules.flatMap((rule) => metricsNamed(rule.expr).names));
    for (const metric of ['land_tier_up', 'land_tier_ready', 'land_tier_restarts_total', 'land_tier_last_exit_code', 'land_telemetry_events_dropped_total', 'land_boot_info']) {
      expect(named.has(metric), metric).toBe(true);
    }
  });

  it('the check fails on a rule that names a metric land does not emit, or an expression that does not parse', () => {
    const emitted = emittedNames(scrape);
    const bad = [
      'groups:',
      '  - name: bad',
      '    rules:',
      '      - alert: Typo',
      '        expr: land_tier_restart_total > 0',
      '      - alert: ByName',
      '        expr: \'{__name__="land_tier_health"} == 0\'',
      '      - alert: Broken',
      '        expr: sum(rate(land_tier_up[5m])',
    ].join('\n');
    expect(checkRules(bad, emitted)).toEqual([
      'Typo: names land_tier_restart_total, which land does not emit',
      'ByName: names land_tier_health, which land does not emit',
      'Broken: the expression does not parse as PromQL',
    ]);
  });

  it('docs/metrics.md describes every land_* metric a stack emits, and no other', () => {
    const page = readFileSync(join(ROOT, 'docs', 'metrics.md'), 'utf8');
    const documented = new Set([...page.matchAll(/`(land_[a-z_]+)`/g)].map((match) => match[1]!));
    const emitted = [...parseProm(scrape).types.keys()].filter((name) => name.startsWith('land_'));
    expect(emitted.length).toBeGreaterThanOrEqual(9);
    expect([...documented].sort()).toEqual(emitted.sort());
  });
});
