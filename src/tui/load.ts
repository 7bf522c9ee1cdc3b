/**
 * Loads the UI so that it renders live even when CI=true is in the environment: ink reads CI once, when it is first
 * imported, and then writes only a last frame on exit. land shows the UI only on a real terminal, so that guess is
 * wrong here; the variables are neutralised for the import and restored at once (children still see them as set).
 * NODE_ENV likewise: React picks its build at import, and children must not inherit land's choice; and DEV.
 */
const CI_KEYS = ['CI', 'CONTINUOUS_INTEGRATION'] as const;

export async function loadTui(): Promise<typeof import('./index.js')> {
  const saved = [...CI_KEYS, 'NODE_ENV', 'DEV'].map((key) => [key, process.env[key]] as const);
  for (const key of CI_KEYS) if (process.env[key] !== undefined) process.env[key] = '0';
  // DEV=true (a common variable to export) makes ink connect React's devtools, whose package land does not ship.
  delete process.env.DEV;
  // React's production build when nothing asked otherwise: the development build costs CPU on every frame.
  process.env.NODE_ENV ??= 'production';
  try {
    // The bundle's yoga-layout (scripts/yoga-ready.mjs) loads its WebAssembly without a top-level await: wait for it
    // here, before ink is imported. yoga-layout's own module has none to wait for (`ready` is undefined).
    await ((await import('yoga-layout')) as { ready?: Promise<void> }).ready;
    return await import('./index.js');
  } finally {
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}
