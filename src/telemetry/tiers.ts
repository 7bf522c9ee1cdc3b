/** The members of a land stack that can stamp `$tier` on what they emit. */
export const TIERS = [
  'mountain',
  'cocoon',
  'sky',
  'wind',
  'air',
  'echo',
  'rest',
  'grove',
  'mist',
  'sidecar',
  'worker',
  'common',
] as const;

export type Tier = (typeof TIERS)[number];

export function isTier(value: string): value is Tier {
  return (TIERS as readonly string[]).includes(value);
}
