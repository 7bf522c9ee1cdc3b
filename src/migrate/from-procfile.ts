/** `land init` from a Procfile: each process type a tier, with the PORT foreman would give it. */
import { parseProcfile } from '../procfile/parse.js';
import { FOREMAN_BASE_PORT, FOREMAN_PORT_STEP, PROCFILE_ENV_FILES } from '../procfile/stack.js';
import { commandFields, renameReason, tierNames, type DraftConfig } from './draft.js';

export function draftFromProcfile(text: string, label: string, base = FOREMAN_BASE_PORT): DraftConfig {
  const types = parseProcfile(text, label, 'allow');
  const names = tierNames(types.map((type) => type.name));
  return {
    source: label,
    notes: [
      `PORT is foreman's: ${base} plus ${FOREMAN_PORT_STEP} per process type, in the Procfile's order.`,
      'foreman stops every process when one exits; land restarts a tier that fails (restart: on-failure, 5 times, by',
      'default) and keeps the others running. For several instances of a type, add `replicas: N` to its tier (each',
      'replica gets port + n - 1, as foreman gives them).',
    ],
    envFiles: PROCFILE_ENV_FILES,
    tiers: types.map((type, index) => {
      const name = names.get(type.name)!;
      return {
        name,
        notes: name === type.name ? [] : [renameReason(type.name, 'the Procfile', name)],
        config: { ...commandFields(type.command), port: base + index * FOREMAN_PORT_STEP },
      };
    }),
  };
}
