// Cold start of the CLI, whole process: the median of N runs (default 10) of
// `node bin/detc.js <args>`. Usage: node bench/cold-start.mjs [--runs N] -- check --no-kusto rules/x.yaml
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';

const argv = process.argv.slice(2);
const dashes = argv.indexOf('--');
const own = dashes < 0 ? argv : argv.slice(0, dashes);
const args = dashes < 0 ? ['check', '--no-kusto', 'rules/third_party_integrated_apps.yaml'] : argv.slice(dashes + 1);
const runsAt = own.indexOf('--runs');
const runs = runsAt < 0 ? 10 : Number(own[runsAt + 1]);

const times = [];
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  try {
    execFileSync(process.execPath, ['bin/detc.js', ...args], { stdio: 'ignore' });
  } catch {
    // a rule with errors exits 1: its start-up is still measured
  }
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
const median = times.length % 2 ? times[(times.length - 1) / 2] : (times[times.length / 2 - 1] + times[times.length / 2]) / 2;
console.log(`detc ${args.join(' ')}: median ${median.toFixed(0)} ms of ${runs} (min ${times[0].toFixed(0)}, max ${times.at(-1).toFixed(0)})`);
