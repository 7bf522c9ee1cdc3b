/**
 * `land up`'s dashboard: opened on 127.0.0.1 before the first child starts (the listener is small; its pages load on
 * the first request), the login URL printed once to the person who started land. On by default on a free port;
 * `--dashboard-port`, `--no-dashboard` and the config's `dashboard: { port, enabled }` change that.
 */
import type { BootPlan } from '../config/types.js';
import { stackSources } from '../dashboard/sources.js';
import { startDashboardServer, type DashboardServer } from '../dashboard/server.js';
import { InputError } from '../errors.js';
import type { SupervisorControl } from '../supervisor/types.js';

export interface DashboardFlags {
  /** commander's `--no-dashboard` sets false. */
  dashboard?: boolean;
  dashboardPort?: number;
}

export async function openDashboard(
  plan: BootPlan,
  flags: DashboardFlags,
  inputs: { control: SupervisorControl; recordDir: string },
): Promise<DashboardServer | undefined> {
  const configured = plan.config.dashboard;
  if (flags.dashboard === false || (!configured.enabled && flags.dashboardPort === undefined)) return undefined;
  const port = flags.dashboardPort ?? configured.port;
  try {
    const server = await startDashboardServer({ port, sources: () => stackSources({ ...inputs, plan }) });
    // Once, to the person who started land (never into a log file or the recording).
    process.stderr.write(`land: dashboard on ${server.loginUrl}\n`);
    return server;
  } catch (error) {
    const where = flags.dashboardPort !== undefined ? '--dashboard-port' : 'dashboard.port';
    throw new InputError(`${where}: cannot listen on 127.0.0.1:${port} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}
