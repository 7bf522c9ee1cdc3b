/** `1 restart`, `3 restarts`, `0 bytes`: a count and its noun, singular only for exactly one. */
export const counted = (count: number, noun: string, plural = `${noun}s`): string => `${count} ${count === 1 ? noun : plural}`;
