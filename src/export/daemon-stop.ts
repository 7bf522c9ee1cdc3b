/**
 * `daemon` and `stop.command` on each engine (README "A tier that daemonizes"): systemd has both (`Type=forking`,
 * `ExecStop=`), Kubernetes a `preStop` hook for the command but no daemon (a container ends with its main
 * process), Compose and supervisord neither. What is not mapped, or mapped with a difference, is a warning that says so.
 */
import { redactText } from '../config/redact.js';
import type { Engine, ExportTier } from './model.js';
import { describeWords } from './secret-words.js';

/** The stop command in words, credentials masked (it may carry a password, as a probe's URL may). */
function describeStopCommand(tier: ExportTier): string {
  return redactText(describeWords(tier.stop.command ?? []));
}

const DAEMON: Record<Engine, string | undefined> = {
  systemd: undefined,
  compose: 'daemon not mapped: a container runs as long as its main process, so it ends when the launcher exits: run the daemon in the foreground (redis-server --daemonize no, nginx -g "daemon off;")',
  kubernetes: 'daemon not mapped: a container runs as long as its main process, so the pod restarts when the launcher exits: run the daemon in the foreground (redis-server --daemonize no, nginx -g "daemon off;")',
  supervisord: 'daemon not mapped: supervisord runs a program as long as its main process, so it takes the launcher\'s exit for the program\'s (and restarts it by its autorestart): run the daemon in the foreground (redis-server --daemonize no, nginx -g "daemon off;")',
};

const STOP_COMMAND: Record<Engine, (tier: ExportTier) => string> = {
  systemd: (tier) =>
    `stop command mapped to ExecStop=: once it has run, systemd sends KillSignal= (${tier.stop.signal}) to what is left, the main process included, where land gives the main process (or daemon) until stop.timeoutMs before SIGKILL and signals only what an exited one left (everything when the command fails)`,
  compose: (tier) => `stop command (${describeStopCommand(tier)}) not mapped: Compose stops a service with stop_signal (${tier.stop.signal}), then SIGKILL after stop_grace_period; run it yourself before docker compose stop`,
  kubernetes: () => 'stop command mapped to a preStop hook: Kubernetes sends SIGTERM to the container once it has run, within terminationGracePeriodSeconds',
  supervisord: (tier) => `stop command (${describeStopCommand(tier)}) not mapped: supervisord stops a program with stopsignal (${tier.stop.signal}), then SIGKILL after stopwaitsecs; run it yourself before supervisorctl stop`,
};

/** The warnings of a tier's daemon and stop command on an engine (none when it has neither). */
export function daemonStopWarnings(engine: Engine, tier: ExportTier): string[] {
  const warnings: string[] = [];
  const daemon = DAEMON[engine];
  if (tier.daemon && daemon) warnings.push(daemon);
  if (tier.stop.command) warnings.push(STOP_COMMAND[engine](tier));
  return warnings;
}
