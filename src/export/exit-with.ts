/**
 * `exitWith` (the stack ends with a tier, land up's `--exit-with`) on each engine: none has a key for it in the
 * files land writes, so it is a warning that says what comes closest (docs/decisions.md, "Ending with a tier").
 */
import type { Engine, ExportModel, ExportTier } from './model.js';

const CLOSEST: Record<Engine, (model: ExportModel, tier: string) => string> = {
  compose: (_, tier) => `Compose has no key for it: run \`docker compose up --exit-code-from ${tier}\` (it stops every service when ${tier} exits and exits with its code)`,
  systemd: (model) => `systemd has no unit setting that stops a target and passes a service's exit code on (OnSuccess=/OnFailure= naming a unit that runs \`systemctl stop ${model.app}.target\` comes closest)`,
  kubernetes: () => 'a Deployment keeps running: a Job that ends with its pod (its other containers as native sidecars) comes closest',
  supervisord: (_, tier) => `supervisord has no setting for it: an [eventlistener] on PROCESS_STATE_EXITED that runs \`supervisorctl shutdown\` once ${tier} has exited comes closest (supervisord's own exit code is not the tier's)`,
};

/** The warning for a tier that carries exitWith, or undefined. */
export function exitWithWarning(engine: Engine, model: ExportModel, tier: ExportTier): string | undefined {
  if (!tier.exitWith) return undefined;
  return `exitWith not mapped: ${CLOSEST[engine](model, tier.name)}`;
}
