/**
 * Vitest global setup of @descent/web: before any test runs, find a Chromium (or install Debian's
 * where it can, see chromium.ts) and hand its path to the browser tests through DESCENT_CHROMIUM.
 * Without one the run stops here, with the command to install one.
 */
import { ensureChromium, thisMachine } from './chromium.js';

export default function setup(): void {
  const found = ensureChromium(thisMachine);
  process.env.DESCENT_CHROMIUM = found.path;
}
