/**
 * Every command of the CLI, in the order `land --help` lists them, each registered by its own function: main.ts
 * builds only the one a command line names (`land up` does not build the other twenty-two), and all of them for
 * help, a version, a mistake or nothing at all (docs/decisions.md, "Start-up, twelfth pass").
 */
import { registerDown, registerRestart, registerScale, registerSpawn, registerStart, registerStatus, registerStop } from './clients.js';
import { registerApply, registerReload } from './edits.js';
import type { Register } from './options.js';
import { registerCheck, registerExport, registerInit, registerProfiles, registerRun, registerTrace } from './project.js';
import { registerStartup, registerUnstartup } from './startup.js';
import { registerAttach, registerDashboard, registerLogs, registerSend, registerWatch } from './streams.js';
import { registerUp } from './up.js';
import { registerReap } from './internal.js';
import { registerCompletion } from './completion.js';

export const COMMANDS: ReadonlyMap<string, Register> = new Map([
  ['up', registerUp],
  ['status', registerStatus],
  ['spawn', registerSpawn],
  ['start', registerStart],
  ['scale', registerScale],
  ['stop', registerStop],
  ['restart', registerRestart],
  ['apply', registerApply],
  ['reload', registerReload],
  ['logs', registerLogs],
  ['attach', registerAttach],
  ['send', registerSend],
  ['down', registerDown],
  ['watch', registerWatch],
  ['dashboard', registerDashboard],
  ['run', registerRun],
  ['check', registerCheck],
  ['init', registerInit],
  ['profiles', registerProfiles],
  ['trace', registerTrace],
  ['export', registerExport],
  ['startup', registerStartup],
  ['unstartup', registerUnstartup],
  ['completion', registerCompletion],
  ['__reap', registerReap],
]);
