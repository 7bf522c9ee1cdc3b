/**
 * Why a tier does not scale, and how to make it: said alike by `land scale` and the UI's `+`/`-`. A Procfile stack
 * has no config to set `replicas` in: a type its formation counts scales, so foreman's `-m` is named too.
 */
export function noReplicasMessage(tier: string): string {
  return `${tier} does not declare replicas: set replicas in the config (a Procfile: land up -m all=1)`;
}
