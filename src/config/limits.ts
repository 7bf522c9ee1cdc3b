/** Most instances one tier may run (`replicas`, `land scale`, a Procfile's formation): a typo such as 1000 should not fork-bomb the machine. */
export const MAX_REPLICAS = 64;

/**
 * The longest tier name: a DNS label's 63 characters, so that an exported stack's names fit (Kubernetes) and a name
 * stays a file name, an event name and a column land can print. 300 characters booted with `log-file ENAMETOOLONG`
 * and padded every printed line to 300 columns.
 */
export const MAX_TIER_NAME = 63;
