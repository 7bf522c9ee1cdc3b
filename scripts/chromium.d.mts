import type { BrowserContext } from 'playwright-core';

export declare const CHROMIUM: string;
export declare function launchChromium(options?: {
  viewport?: { width: number; height: number };
  deviceScaleFactor?: number;
}): Promise<{ context: BrowserContext; close(): Promise<void> }>;
