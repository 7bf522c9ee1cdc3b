/**
 * `land up`'s dashboard: opened on 127.0.0.1 before anything else of the stack (the listener is small; its pages load
 * on the first request); boot.ts prints the login URL once. On by default on a free port;
 * `--dashboard-port`, `--no-dashboard` and the config's `dashboard: { port, enabled }` change that.
 */
import type { BootPlan, ResolvedTier } from '../config/types.js';
import { startDashboardServer, type DashboardServer } from '../dashboard/server.js';
import type { ReceiverSource } from '../dashboard/receiver-source.js';
import { cannotListen } from '../errors.js';
import type { SupervisorControl } from '../supervisor/types.js';

export interface DashboardFlags {
  /** commander's `--no-dashboard` sets false. */
  dashboard?: boolean;
  dashboardPort?: number;
}

export async function openDashboard(
  plan: BootPlan,
  flags: DashboardFlags,
  /** Read on the first request. `receiver`: the OTLP receiver's store, through receiver-source.ts's fromBootStore. */
  inputs: () => {
    control: SupervisorControl;
    recordDir: string;
    receiver?: ReceiverSource;
    /** The environment a process of a tier starts with (Supervisor.childEnv): the tier detail shows it. */
    childEnv: (config: ResolvedTier, traceparent: string) => Record<string, string>;
  },
): Promise<DashboardServer | undefined> {
  const configured = plan.config.dashboard;
  if (flags.dashboard === false || (!configured.enabled && flags.dashboardPort === undefined)) return undefined;
  const port = flags.dashboardPort ?? configured.port;
  try {
    return await startDashboardServer({ port, sources: async () => (await import('../dashboard/sources.js')).stackSources({ ...inputs(), plan }) });
  } catch (error) {
    const where = flags.dashboardPort !== undefined ? '--dashboard-port' : 'dashboard.port';
    throw cannotListen(where, port, error);
  }
}
