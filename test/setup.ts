/** After each test file: no land (and so no child) a failed test started is left running. */
import { afterAll } from 'vitest';
import { stopLeftoverLands } from './helpers/land.js';

afterAll(stopLeftoverLands);
