/**
 * The marks a land sweeps its tiers' leftovers by (LAND_BOOT_ID, alone or with the life's TRACEPARENT: tier-stop.ts,
 * the supervisor's last sweep, reapBoot), and LAND_SUPERVISED (a supervised child's telemetry). A process land starts
 * for itself (the land `land up -d` starts, the guardian) must not carry another land's: a land run from a tier of
 * another land would pass them on, and that land would kill it as its tier's leftover. TRACEPARENT stays (the boot
 * joins the caller's trace): it matches only with the boot id.
 */
const OUTER_LAND_MARKS = ['LAND_BOOT_ID', 'LAND_SUPERVISED'];

/** `env` without another land's marks. */
export function withoutLandMarks(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const own = { ...env };
  for (const key of OUTER_LAND_MARKS) delete own[key];
  return own;
}
