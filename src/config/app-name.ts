/**
 * The stack's name (`app`) names what `land export` writes: systemd units (`<app>-<tier>.service`, `<app>.target`,
 * `/etc/land/<app>/`), Compose's image, Kubernetes objects (folded to a DNS label). systemd takes letters, digits
 * and `:_.\-` in a unit name; a space or a `/` made units it refuses and a secrets folder elsewhere. The rule is the
 * tier names' with the dot added (`example.com` is a fine unit name, and Kubernetes folds it to `example-com`).
 */
const APP_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

export const APP_NAME_RULE = 'letters, digits, ., - and _ (starting with a letter or digit, at most 63 characters)';

export function isAppName(name: string): boolean {
  return APP_NAME.test(name);
}

/** A stack whose name cannot be set in its file: a Procfile has no place for `app`. */
function isProcfile(configFile: string): boolean {
  return /(^|\/)Procfile$/.test(configFile);
}

/** Why the folder's name, standing in for a missing `app`, cannot name the stack for the engines, and what to do. */
function folderNameProblem(config: { app: string; configFile: string }): string {
  const [where, remedy] = isProcfile(config.configFile)
    ? [' (a Procfile has no place for it)', 'pass --app <name> to land export, or rename the folder']
    : ['', 'set app, or pass --app <name> to land export'];
  return `not set${where}, and the folder's name ${JSON.stringify(config.app)} that stands in for it is not an application name of ${APP_NAME_RULE}: ${remedy}`;
}

/**
 * Why the engines cannot name this stack, as `app: …` (undefined when they can). `land up` takes any `app` (it only
 * names telemetry there); `land export` refuses with this line (unless given `--app`), and `land check` warns.
 */
export function appNameProblem(config: { app: string; appSet?: boolean; configFile: string }): string | undefined {
  if (isAppName(config.app)) return undefined;
  return config.appSet ? `app: expected an application name of ${APP_NAME_RULE}, got ${JSON.stringify(config.app)}` : `app: ${folderNameProblem(config)}`;
}

/**
 * `land check`'s warning for the same (its key `app` apart), or undefined: for an explicit `app`, and for a
 * Procfile's folder name (a Procfile stack has no `app` to set: the fix is a flag of land export or a rename). A
 * config's folder name is not warned of: it was never the user's choice, and land export names the fix (`set app`).
 */
export function appNameWarning(config: { app: string; appSet?: boolean; configFile: string }): string | undefined {
  if (isAppName(config.app)) return undefined;
  if (config.appSet) return `warning: ${JSON.stringify(config.app)} is not an application name of ${APP_NAME_RULE}: land export refuses it`;
  return isProcfile(config.configFile) ? `warning: ${folderNameProblem(config)}` : undefined;
}
