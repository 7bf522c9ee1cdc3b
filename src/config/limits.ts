/** Most instances one tier may run (`replicas`, `land scale`, a Procfile's formation): a typo such as 1000 should not fork-bomb the machine. */
export const MAX_REPLICAS = 64;
