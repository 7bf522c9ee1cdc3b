/** `land profiles`: each profile with the tiers it starts and the tiers it gates off, from the real files. */
import { displayPath } from '../config/display-path.js';
import { effectiveDefaultProfile, resolvePlan } from '../config/plan.js';
import { listProfiles } from '../config/profiles.js';
import { EXIT_BAD_INPUT } from '../control/exit-codes.js';
import { InputError, oneLine } from '../errors.js';
import { readConfig, type InputOptions } from './inputs.js';
import { withMachineStdout, writeOut } from './machine-output.js';
import type { ResolvedConfig } from '../config/types.js';

export interface ProfileCoverage {
  profile: string;
  starts: string[];
  gatedOff: Array<{ tier: string; by: string }>;
}

/** A profile that cannot be read (a malformed line, a gate flag that is neither true nor false): its one line. */
export interface BrokenProfile {
  profile: string;
  error: string;
}

/** One row per good profile; each broken one is set aside with its error, so it does not hide the others. */
export function profileCoverage(config: ResolvedConfig): { rows: ProfileCoverage[]; broken: BrokenProfile[] } {
  const rows: ProfileCoverage[] = [];
  const broken: BrokenProfile[] = [];
  for (const profile of listProfiles(config)) {
    let plan;
    try {
      plan = resolvePlan(config, { profile, shellEnv: process.env });
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      broken.push({ profile, error: oneLine(error) });
      continue;
    }
    rows.push({
      profile,
      starts: plan.tiers.filter((tier) => tier.enabled).map((tier) => tier.name),
      gatedOff: plan.tiers.filter((tier) => !tier.enabled).map((tier) => ({ tier: tier.name, by: tier.gatedBy ?? '?' })),
    });
  }
  return { rows, broken };
}

/** A coverage table: one row per profile, one column per tier ("yes" starts, "-" gated off), then why. */
export function renderCoverage(rows: ProfileCoverage[], tiers: string[], defaultProfile: string, defaultExists = true): string {
  const nameWidth = Math.max(7, ...rows.map((row) => row.profile.length + 2));
  const cell = (tier: string, text: string) => text.padEnd(Math.max(tier.length, 3));
  const line = (cells: string[]) => cells.join(' ').trimEnd();
  const lines = [line(['profile'.padEnd(nameWidth), ...tiers.map((tier) => cell(tier, tier))])];
  for (const row of rows) {
    const name = `${row.profile}${row.profile === defaultProfile ? ' *' : ''}`.padEnd(nameWidth);
    lines.push(line([name, ...tiers.map((tier) => cell(tier, row.starts.includes(tier) ? 'yes' : '-'))]));
  }
  // A default that is not a profile stars no row: the legend says so rather than promise a star.
  lines.push('', defaultExists ? '* default profile' : `* default profile: none here, "${defaultProfile}" does not exist (land up refuses it)`, '');
  const gated = rows.filter((row) => row.gatedOff.length > 0);
  lines.push(gated.length === 0 ? 'no profile gates a tier off' : 'gated off:');
  for (const row of gated) {
    lines.push(`  ${row.profile}: ${row.gatedOff.map((entry) => `${entry.tier} (${entry.by})`).join(', ')}`);
  }
  return lines.join('\n');
}

/** The table (or JSON) of the good profiles on stdout, one `land:` line per broken one on stderr, then exit 2. */
export async function profilesCommand(options: InputOptions & { json?: boolean }): Promise<number> {
  return withMachineStdout(options.json, () => profiles(options));
}

/**
 * No profiles at all: a table would be a header without rows, so one line says so and what a plain `land up` starts
 * (its plan, with no profile: a `when` predicate that fails is then said as it is for a profile).
 */
function withoutProfiles(config: ResolvedConfig): { line?: string; broken: BrokenProfile[] } {
  let plan;
  try {
    plan = resolvePlan(config, { shellEnv: process.env });
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return { broken: [{ profile: 'default', error: oneLine(error) }] };
  }
  const starts = plan.tiers.filter((tier) => tier.enabled).map((tier) => tier.name);
  const gated = plan.tiers.filter((tier) => !tier.enabled).map((tier) => `${tier.name} (${tier.gatedBy ?? '?'})`);
  const what = `starts ${starts.length === 0 ? 'no tier' : starts.join(', ')}${gated.length === 0 ? '' : `; gated off: ${gated.join(', ')}`}`;
  return { line: `no profiles: there are no *.env files in ${displayPath(config.profilesDir)}; land up uses none and ${what}`, broken: [] };
}

async function profiles(options: InputOptions & { json?: boolean }): Promise<number> {
  // Loaded once: a config runs its top-level code (and what it prints) each time it is loaded.
  const config = await readConfig(options);
  // What a plain `land up` boots, and why it would refuse: the same line `land check` and `land up` give.
  const fallback = effectiveDefaultProfile(config);
  if (listProfiles(config).length === 0) {
    const { line, broken } = withoutProfiles(config);
    if (options.json) writeOut(`${JSON.stringify({ defaultProfile: fallback.name, profiles: [], ...(broken.length > 0 ? { broken } : {}) }, null, 2)}\n`);
    else if (line !== undefined) process.stdout.write(`${line}\n`);
    for (const { error } of broken) process.stderr.write(`land: ${error}\n`);
    return broken.length > 0 ? EXIT_BAD_INPUT : 0;
  }
  const { rows, broken } = profileCoverage(config);
  if (fallback.problem !== undefined) broken.push({ profile: fallback.name, error: fallback.problem });
  if (options.json) {
    const body = { defaultProfile: fallback.name, profiles: rows, ...(broken.length > 0 ? { broken } : {}) };
    writeOut(`${JSON.stringify(body, null, 2)}\n`);
  } else if (rows.length > 0 || broken.length === 0) {
    const table = renderCoverage(rows, config.tiers.map((tier) => tier.name), fallback.name, fallback.problem === undefined);
    process.stdout.write(`${table}\n`);
  }
  for (const { error } of broken) process.stderr.write(`land: ${error}\n`);
  return broken.length > 0 ? EXIT_BAD_INPUT : 0;
}
