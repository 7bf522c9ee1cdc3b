// What the bundle gives ink for `yoga-layout` (scripts/bundle.mjs): yoga-layout's own entry awaits its WebAssembly
// at top level, which a CommonJS bundle cannot hold. This one starts the same load and fills `Yoga` in once it is
// done; src/tui/load.ts awaits `ready` (through `import('yoga-layout')`) before it imports ink, so ink finds it
// filled. The same object throughout: ink keeps the default import it was given.
import { loadYoga } from 'yoga-layout/load';

export * from 'yoga-layout/load';
const Yoga = {};
export default Yoga;
export const ready = loadYoga().then((loaded) => {
  Object.assign(Yoga, loaded);
});
