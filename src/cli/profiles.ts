/** `land profiles`: each profile with the tiers it starts and the tiers it gates off, from the real files. */
import { resolvePlan } from '../config/plan.js';
import { listProfiles } from '../config/profiles.js';
import { readConfig, type InputOptions } from './inputs.js';

export interface ProfileCoverage {
  profile: string;
  starts: string[];
  gatedOff: Array<{ tier: string; by: string }>;
}

export async function profileCoverage(options: InputOptions): Promise<ProfileCoverage[]> {
  const config = await readConfig(options);
  return listProfiles(config).map((profile) => {
    const plan = resolvePlan(config, { profile, shellEnv: process.env });
    return {
      profile,
      starts: plan.tiers.filter((tier) => tier.enabled).map((tier) => tier.name),
      gatedOff: plan.tiers.filter((tier) => !tier.enabled).map((tier) => ({ tier: tier.name, by: tier.gatedBy ?? '?' })),
    };
  });
}

/** A coverage table: one row per profile, one column per tier ("yes" starts, "-" gated off), then why. */
export function renderCoverage(rows: ProfileCoverage[], tiers: string[], defaultProfile: string): string {
  const nameWidth = Math.max(7, ...rows.map((row) => row.profile.length + 2));
  const cell = (tier: string, text: string) => text.padEnd(Math.max(tier.length, 3));
  const line = (cells: string[]) => cells.join(' ').trimEnd();
  const lines = [line(['profile'.padEnd(nameWidth), ...tiers.map((tier) => cell(tier, tier))])];
  for (const row of rows) {
    const name = `${row.profile}${row.profile === defaultProfile ? ' *' : ''}`.padEnd(nameWidth);
    lines.push(line([name, ...tiers.map((tier) => cell(tier, row.starts.includes(tier) ? 'yes' : '-'))]));
  }
  lines.push('', '* default profile', '');
  const gated = rows.filter((row) => row.gatedOff.length > 0);
  lines.push(gated.length === 0 ? 'no profile gates a tier off' : 'gated off:');
  for (const row of gated) {
    lines.push(`  ${row.profile}: ${row.gatedOff.map((entry) => `${entry.tier} (${entry.by})`).join(', ')}`);
  }
  return lines.join('\n');
}

export async function profilesCommand(options: InputOptions & { json?: boolean }): Promise<number> {
  const config = await readConfig(options);
  const rows = await profileCoverage(options);
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ defaultProfile: config.defaultProfile, profiles: rows }, null, 2)}\n`);
  } else {
    process.stdout.write(`${renderCoverage(rows, config.tiers.map((tier) => tier.name), config.defaultProfile)}\n`);
  }
  return 0;
}
