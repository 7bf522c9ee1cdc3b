/** What the stages of a stack's life (boot-open, boot-run, boot.ts's closing) share: the boot, its options, its end. */
import type { BootPlan } from '../config/types.js';
import type { ControlServer } from '../control/server.js';
import type { NamedStray, StillRunning } from '../supervisor/left-behind.js';
import type { Supervisor } from '../supervisor/supervisor.js';
import type { MountainTelemetry } from '../telemetry/mountain.js';
import type { openDashboard } from './dashboard-start.js';
import type { Attachment } from './attachment.js';
import type { Receiver } from '../receiver/receiver.js';
import type { Guardian } from './guardian.js';
import type { StartGuard } from './start-interrupt.js';

/** How the stack came to stop: what `until` ended it with, else the first signal and the shutdown's reason. */
export interface Ending {
  end?: StackEnd;
  signal?: NodeJS.Signals;
  reason?: string;
}

export interface Boot {
  how: Ending;
  plan: BootPlan;
  supervisor: Supervisor;
  telemetry: MountainTelemetry;
  control: ControlServer;
  attachment: Attachment;
  receiver: Receiver | undefined;
  /** Reaps this boot's leftovers if land dies without its exit paths (guardian.ts). */
  guardian: Guardian;
}

export interface StackOptions {
  tui: boolean;
  controlPort?: number;
  /** The OTLP receiver's port (`--receiver-port`, over the config's receiver.port). */
  receiverPort?: number;
  /** Keep running when the terminal or the parent goes away (README "Detaching"). */
  detached?: boolean;
  /**
   * How the person asked for the stack to end with a tier (`--exit-with test`): stopped any other way first, land
   * does not exit 0 (stackCode).
   */
  ending?: string;
  /** Started by `land up --background`: no display, land's own lines only, in a bounded file (background-output.ts). */
  inBackground?: string;
  /** The boot id the folder was claimed with (up.ts); a new one without. */
  bootId?: string;
  /** Started with the claim (up.ts), before the config loaded: reaps the boot if land dies outright (guardian.ts). */
  guardian: Guardian;
  /** Ends the stack with its exit code (`land spawn` alone: when the tier ends); otherwise it runs until asked to stop. */
  until?: (supervisor: Supervisor, plan: BootPlan) => Promise<number | StackEnd>;
  /** The start's signal keeper (up.ts): the stack's exit paths take the signals over from it (start-interrupt.ts). */
  interrupts?: StartGuard;
  /** The config read again as this boot read it (`land apply`). */
  reread?: () => Promise<BootPlan>;
  /** `--watch-config`: a saved config is applied as `land apply` applies it (src/watch/config-watch.ts). */
  watchConfig?: boolean;
}

/** How an `until` ended the stack: land's exit code, and the shutdown's reason (printed, shown in the UI). */
export interface StackEnd {
  code: number;
  reason: string;
}

/** The dashboard, if asked for: closed with the rest of the stack. */
export type Dashboard = Awaited<ReturnType<typeof openDashboard>>;

/** What the shutdown's end said: what it left running, and the strays it named. */
export interface Stopped {
  /** 'none': a signal came before the tiers started (start-interrupt.ts), nothing was shown. */
  shown: 'tui' | 'plain' | 'none';
  left: StillRunning[];
  strays: NamedStray[];
}
