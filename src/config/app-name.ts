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

/**
 * Why the engines cannot name this stack, as `app: …` (undefined when they can). `land up` takes any `app` (it only
 * names telemetry there); `land export` refuses with this line, and `land check` warns with it for an explicit one.
 */
export function appNameProblem(config: { app: string; appSet?: boolean }): string | undefined {
  if (isAppName(config.app)) return undefined;
  return config.appSet
    ? `app: expected an application name of ${APP_NAME_RULE}, got ${JSON.stringify(config.app)}`
    : `app: not set, and the folder's name ${JSON.stringify(config.app)} that stands in for it is not an application name of ${APP_NAME_RULE}: set app`;
}
