/**
 * Property tests in `npm test` run from one fixed seed, so a test run (and CI) is reproducible: a
 * counterexample found once is found again on every machine. `npm run fuzz` explores instead: a
 * random seed per property and many more runs. `FUZZ_SEED=n` replays a seed a fuzz run reported.
 */
import fc from 'fast-check';

const explore = process.env.FUZZ_EXPLORE === '1';
const seed = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : explore ? undefined : 20_261_122;
if (seed !== undefined) fc.configureGlobal({ seed });
