/**
 * Loads the UI so that it renders live even when CI=true is in the environment: ink reads CI once, when it is first
 * imported, and then writes only a last frame on exit. land shows the UI only on a real terminal, so that guess is
 * wrong here; the variables are neutralised for the import and restored at once (children still see them as set).
 */
const CI_KEYS = ['CI', 'CONTINUOUS_INTEGRATION'] as const;

export async function loadTui(): Promise<typeof import('./index.js')> {
  const saved = CI_KEYS.map((key) => [key, process.env[key]] as const);
  for (const [key, value] of saved) if (value !== undefined) process.env[key] = '0';
  try {
    return await import('./index.js');
  } finally {
    for (const [key, value] of saved) if (value !== undefined) process.env[key] = value;
  }
}
