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

/** A coverage table: one row per profile, one column per tier (✓ starts, – gated off, with the flag below). */
export function renderCoverage(rows: ProfileCoverage[], tiers: string[], defaultProfile: string): string {
  const nameWidth = Math.max(7, ...rows.map((row) => row.profile.length + 2));
  const header = ['profile'.padEnd(nameWidth), ...tiers.map((tier) => tier.padEnd(Math.max(tier.length, 3)))].join(' ');
  const lines = [header, '-'.repeat(header.length)];
  for (const row of rows) {
    const name = `${row.profile}${row.profile === defaultProfile ? ' *' : ''}`.padEnd(nameWidth);
    const cells = tiers.map((tier) => (row.starts.includes(tier) ? 'yes' : '-').padEnd(Math.max(tier.length, 3)));
    const gated = row.gatedOff.map((entry) => `${entry.tier}: ${entry.by}`).join(', ');
    lines.push(`${[name, ...cells].join(' ')}${gated ? `  (${gated})` : ''}`.trimEnd());
  }
  lines.push('', '* default profile; "-" gated off (the flag that gated it in parentheses)');
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
