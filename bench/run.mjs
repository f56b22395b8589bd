// detc benchmarks: each figure is measured side by side with its baseline in the same run, as the
// median of several runs. Usage: npm run bench [-- --quick]. Writes bench/results.json.
import { execFileSync, spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileQuery } from '../build/backends/js/compile.js';
import { checkRuleFile } from '../build/compile.js';
import { audits, NOW, signins } from './generate.mjs';
import { appConsent, pureFilter, tokenAbuse } from './handwritten.mjs';
import { bindQuery } from '../build/ir/binder.js';
import { loadTables } from '../build/ir/tables.js';
import { parseQuery } from '../build/query/parser.js';
import { createKqlBackend } from '../build/backends/kql/index.js';
import { createAqlBackend } from '../build/backends/aql/index.js';
import { createJsBackend } from '../build/backends/js/index.js';

// Kusto.Language verdicts are cached between runs of detc; the benchmark measures real analysis.
process.env.DETC_NO_CACHE = '1';
const quick = process.argv.includes('--quick');
// --only=evaluator,compiler (sections: evaluator, endToEnd, compiler, coldStart) for a partial run.
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7).split(',');
// --child=FILE: run the --only sections and write their results to FILE (see inOwnProcess).
const childOut = process.argv.find((a) => a.startsWith('--child='))?.slice(8);
const section = (name) => (!only || only.includes(name)) && !inOwnProcess(name);
const RUNS = quick ? 3 : 5;
const N = quick ? 200_000 : 1_000_000;
const results = { machine: { cores: cpus().length, cpu: cpus()[0]?.model, node: process.version }, runs: RUNS };
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = (f) => {
  const t0 = process.hrtime.bigint();
  const out = f();
  return [Number(process.hrtime.bigint() - t0) / 1e6, out];
};
const log = (s) => process.stdout.write(`${s}\n`);

/**
 * A full collection, then a pause: V8 sweeps the collected heap (300 MB with a million events) on
 * background threads after gc() returns, and on two cores that sweeping would otherwise run during
 * the next measurement (measured: +35 ms on the hand-written filter, +95 ms on detc's, by chance
 * of what each allocates while the sweeper runs). 250 ms covered it on the development machine.
 */
const SETTLE_MS = 250;
function collectAndSettle() {
  global.gc?.();
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, SETTLE_MS);
}

/** Run a and b alternately RUNS times; median ms of each. */
function sideBySide(a, b) {
  const ta = [];
  const tb = [];
  for (let i = 0; i < RUNS; i++) {
    collectAndSettle();
    ta.push(time(a)[0]);
    collectAndSettle();
    tb.push(time(b)[0]);
  }
  return [median(ta), median(tb)];
}

/**
 * The in-memory sections run each in a fresh process: run in one, the compiler's figure depended
 * on what the evaluator section had left in the heap (two million events, a heap grown to over a
 * gigabyte) and on Kusto.Language's being loaded, and varied from 488 to 922 rules/s for the
 * same build. The child runs `--only=<section> --child=<file>` and writes its results there.
 */
function inOwnProcess(name) {
  if (childOut || !['evaluator', 'compiler'].includes(name) || (only && !only.includes(name))) return false;
  const file = join(mkdtempSync(join(tmpdir(), 'detc-bench-')), 'results.json');
  const args = ['--expose-gc', process.argv[1], `--only=${name}`, `--child=${file}`, ...(quick ? ['--quick'] : [])];
  const child = spawnSync(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (child.status !== 0) throw new Error(`bench section ${name} failed (exit ${child.status})`);
  Object.assign(results, JSON.parse(readFileSync(file, 'utf8')));
  rmSync(join(file, '..'), { recursive: true, force: true });
  return true;
}

// 1. Evaluator vs hand-written JS, events pre-parsed in memory.
if (section('evaluator')) {
  const rule = (f) => checkRuleFile(f);
  const token = rule('rules/application_access_token_entra.yaml');
  const consent = rule('rules/cloud_app_integration_entra_audit.yaml');
  const filterQuery = 'AADNonInteractiveUserSignInLogs | where ResultType == 0 and UserAgent has "curl"';
  const filterIr = bindQuery(parseQuery(filterQuery).ast, loadTables(), filterQuery).ir;
  const sign = signins(N);
  const aud = audits(N);
  const cases = [
    ['T1550.001 token abuse (seed 002)', compileQuery(token.ir), sign, (ev) => tokenAbuse(ev, NOW), token.ir],
    ['T1671 app consent (Entra audit)', compileQuery(consent.ir), aud, (ev) => appConsent(ev), consent.ir],
    ['pure filter (where only)', compileQuery(filterIr), sign, (ev) => pureFilter(ev), filterIr],
  ];
  results.evaluator = [];
  for (const [name, q, events, hand, ir] of cases) {
    const closures = compileQuery(ir, { mode: 'closures' });
    const rowsDetc = q.run(events, { now: NOW }).rows.length;
    const rowsHand = hand(events).length;
    const [detcMs, handMs] = sideBySide(() => q.run(events, { now: NOW }), () => hand(events));
    const [closureMs] = sideBySide(() => closures.run(events, { now: NOW }), () => null);
    const r = {
      name, events: events.length, rowsDetc, rowsHand,
      detcEventsPerSec: Math.round(events.length / (detcMs / 1000)),
      closuresEventsPerSec: Math.round(events.length / (closureMs / 1000)),
      handEventsPerSec: Math.round(events.length / (handMs / 1000)),
      ratio: +(handMs / detcMs).toFixed(2),
      closuresRatio: +(handMs / closureMs).toFixed(2),
    };
    results.evaluator.push(r);
    log(`evaluator  ${name.padEnd(34)} detc ${(r.detcEventsPerSec / 1e6).toFixed(2)} M ev/s (closures ${(r.closuresEventsPerSec / 1e6).toFixed(2)})  hand ${(r.handEventsPerSec / 1e6).toFixed(2)} M ev/s  ratio ${r.ratio} (closures ${r.closuresRatio})  (rows ${rowsDetc}/${rowsHand})`);
  }
}

// 2. End to end from NDJSON: detc run vs read + JSON.parse, as separate processes.
if (section('endToEnd')) {
  const dir = mkdtempSync(join(tmpdir(), 'detc-bench-'));
  const file = join(dir, 'signins.ndjson');
  const target = quick ? 50e6 : 210e6;
  const out = createWriteStream(file);
  let bytes = 0;
  let seed = 10;
  while (bytes < target) {
    const chunk = `${signins(20_000, { seed: seed++ }).map((e) => JSON.stringify(e)).join('\n')}\n`;
    bytes += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((r) => out.end(r));
  const mb = statSync(file).size / 1e6;
  const measure = (args) => {
    const r = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
    const [secs, kb] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
    return { secs, rssMb: kb / 1024 };
  };
  const detcRuns = [];
  const parseAllRuns = [];
  const oneThreadRuns = [];
  const lightRuns = [];
  const baseRuns = [];
  const runArgs = (rule) => ['bin/detc.js', 'run', rule, '--events', file, '--now', '2025-03-01T12:00:00Z', '--format', 'ndjson'];
  const detcArgs = runArgs('rules/application_access_token_entra.yaml');
  // Rounds of back-to-back runs; each ratio is the median over rounds of that round's baseline time
  // over its detc time, so that the machine's load, which drifts over minutes here, affects both
  // sides of a ratio alike.
  for (let i = 0; i < (quick ? 1 : 5); i++) {
    baseRuns.push(measure(['bench/parse-baseline.mjs', file]));
    detcRuns.push(measure(detcArgs));
    parseAllRuns.push(measure([...detcArgs, '--parse-all']));
    oneThreadRuns.push(measure([...detcArgs, '--workers', '0']));
    // A selective filter and a small summarize: what reading costs when the query does little.
    lightRuns.push(measure(runArgs('bench/rules/automation_client_count.yaml')));
  }
  const ratios = (runs) => runs.map((r, i) => baseRuns[i].secs / r.secs);
  const pairedRatio = (runs) => +median(ratios(runs)).toFixed(2);
  const d = median(detcRuns.map((r) => r.secs));
  const p = median(parseAllRuns.map((r) => r.secs));
  const o = median(oneThreadRuns.map((r) => r.secs));
  const l = median(lightRuns.map((r) => r.secs));
  const b = median(baseRuns.map((r) => r.secs));
  results.endToEnd = {
    fileMb: +mb.toFixed(1),
    detcMbPerSec: +(mb / d).toFixed(1),
    detcParseAllMbPerSec: +(mb / p).toFixed(1),
    detcOneThreadMbPerSec: +(mb / o).toFixed(1),
    readerThreads: Math.min(availableParallelism(), 4),
    baselineMbPerSec: +(mb / b).toFixed(1),
    ratio: pairedRatio(detcRuns),
    ratioRange: [Math.min(...ratios(detcRuns)), Math.max(...ratios(detcRuns))].map((x) => +x.toFixed(2)),
    parseAllRatio: pairedRatio(parseAllRuns),
    oneThreadRatio: pairedRatio(oneThreadRuns),
    lightRuleMbPerSec: +(mb / l).toFixed(1),
    lightRuleRatio: pairedRatio(lightRuns),
    lightRulePeakRssMb: Math.round(Math.max(...lightRuns.map((r) => r.rssMb))),
    detcPeakRssMb: Math.round(Math.max(...detcRuns.map((r) => r.rssMb))),
    detcParseAllPeakRssMb: Math.round(Math.max(...parseAllRuns.map((r) => r.rssMb))),
    detcOneThreadPeakRssMb: Math.round(Math.max(...oneThreadRuns.map((r) => r.rssMb))),
    baselinePeakRssMb: Math.round(Math.max(...baseRuns.map((r) => r.rssMb))),
  };
  const e = results.endToEnd;
  log(`end-to-end ${mb.toFixed(0)} MB NDJSON: detc ${e.detcMbPerSec} MB/s with ${e.readerThreads} reader threads (--parse-all ${e.detcParseAllMbPerSec}, --workers 0 ${e.detcOneThreadMbPerSec}), parse-only ${e.baselineMbPerSec} MB/s, ratio ${e.ratio} (rounds ${e.ratioRange.join('-')}; --parse-all ${e.parseAllRatio}, --workers 0 ${e.oneThreadRatio}), peak RSS ${e.detcPeakRssMb} / ${e.detcParseAllPeakRssMb} / ${e.detcOneThreadPeakRssMb} MB vs ${e.baselinePeakRssMb} MB`);
  log(`end-to-end light rule (filter + count by resource): detc ${e.lightRuleMbPerSec} MB/s, ratio ${e.lightRuleRatio}, peak RSS ${e.lightRulePeakRssMb} MB`);
  rmSync(dir, { recursive: true, force: true });
}

// 3. Compiler throughput: load + check + every artifact of the three targets, per rule, through
// the backends' per-rule path that `detc build` runs (KQL with the Sentinel YAML and ARM files,
// AQL checked by its grammar with the Ariel body, the formatted JS module), nothing written.
if (section('compiler')) {
  const tables = loadTables();
  // Microseconds spent per part over a pass (for the breakdown in results.json).
  const PARTS = ['frontEnd', 'kql', 'aql', 'js'];
  let spent = {};
  const now = () => process.hrtime.bigint();
  // withBackends false: the front end alone, for its cost without the backends' code in between.
  const compileSet = async (set, kusto, withBackends = true) => {
    const backends = withBackends ? [createKqlBackend(tables, kusto), createAqlBackend(), createJsBackend()] : [];
    spent = Object.fromEntries(PARTS.map((p) => [p, 0n]));
    let ok = 0;
    const summaries = backends.map(() => []);
    for (const file of set) {
      let t0 = now();
      const r = checkRuleFile(file, { tables });
      spent.frontEnd += now() - t0;
      if (!r.ir || r.diagnostics.some((d) => d.severity === 'error')) continue;
      const compiled = { rule: r.rule, ir: r.ir, stem: `r${ok++}` };
      for (let i = 0; i < backends.length; i++) {
        t0 = now();
        summaries[i].push((await backends[i].rule(compiled)).summary);
        spent[PARTS[i + 1]] += now() - t0;
      }
    }
    backends.forEach((b, i) => b.finish(summaries[i]));
    return ok;
  };
  // The bundled rules replicated to 1,000 files with distinct ids.
  const dir = mkdtempSync(join(tmpdir(), 'detc-rules-'));
  const sources = readdirSync('rules').filter((f) => f.endsWith('.yaml')).map((f) => readFileSync(join('rules', f), 'utf8'));
  const files = [];
  for (let i = 0; i < 1000; i++) {
    const text = sources[i % sources.length].replace(/^id: .*$/m, `id: ${String(i).padStart(8, '0')}-0000-4000-8000-000000000000`).replace(/\.\.\/examples\//g, `${process.cwd()}/examples/`);
    const f = join(dir, `r${i}.yaml`);
    writeFileSync(f, text);
    files.push(f);
  }
  const corpus = [];
  const walk = (d) => readdirSync(d, { withFileTypes: true }).forEach((e) => (e.isDirectory() ? walk(join(d, e.name)) : e.name.endsWith('.yaml') && corpus.push(join(d, e.name))));
  walk('../shared/corpus/sentinel');
  results.compiler = {};
  // Throughput once warm: one untimed pass over the set, then the median of the timed passes
  // (a one-off build from a cold process is the `detc build` row below). Kusto.Language is
  // loaded only for the +kusto figures, which come after all the others, as in a build without it.
  for (const kusto of [false, true]) {
    for (const [name, set] of [['rules x1000', files], ['corpus', corpus]]) {
      const ok = await compileSet(set, kusto);
      // For the bundled rules, passes of the front end alone alternate with the full ones.
      const frontAlone = !kusto && set === files;
      const passes = [];
      const frontPasses = [];
      for (let i = 0; i < (quick ? 1 : kusto ? 3 : RUNS); i++) {
        const t0 = now();
        await compileSet(set, kusto);
        passes.push({ ms: Number(now() - t0) / 1e6, spent });
        if (frontAlone) {
          await compileSet(set, kusto, false);
          frontPasses.push(Number(spent.frontEnd) / 1e3 / set.length);
        }
      }
      const mid = passes.sort((a, b) => a.ms - b.ms)[Math.floor(passes.length / 2)];
      const key = `${name}${kusto ? ' +kusto' : ''}`;
      // The median pass's time per rule file, by part (the backends' over the rules that compile).
      const usPerRule = Object.fromEntries(PARTS.map((p) => [p, Math.round(Number(mid.spent[p]) / 1e3 / (p === 'frontEnd' ? set.length : ok))]));
      results.compiler[key] = { rules: set.length, compiled: ok, rulesPerSec: Math.round(set.length / (mid.ms / 1000)), usPerRule };
      if (frontAlone) results.compiler[key].frontEndAloneUsPerRule = Math.round(median(frontPasses));
      log(`compiler   ${key.padEnd(20)} ${results.compiler[key].rulesPerSec} rules/s (${set.length} files, ${ok} compile; us per rule: ${PARTS.map((p) => `${p} ${usPerRule[p]}`).join(', ')}${frontAlone ? `; front end alone ${results.compiler[key].frontEndAloneUsPerRule}` : ''})`);
    }
  }
  // A one-off build as a user runs it: `detc build` of the 1,000 files, the whole process (start,
  // a cold JIT, every artifact of all three targets written).
  const out = mkdtempSync(join(tmpdir(), 'detc-build-'));
  const buildMs = median(Array.from({ length: quick ? 1 : 3 }, () => time(() => execFileSync(process.execPath, ['bin/detc.js', 'build', dir, '--no-kusto', '--out', out], { stdio: 'ignore' }))[0]));
  results.compiler['detc build, rules x1000, no kusto'] = { rulesPerSec: Math.round(1000 / (buildMs / 1000)), wallMs: Math.round(buildMs) };
  log(`compiler   detc build x1000 (whole process, all targets written, no kusto) ${Math.round(buildMs)} ms, ${results.compiler['detc build, rules x1000, no kusto'].rulesPerSec} rules/s`);
  // 2,500 files (about the whole public Sentinel repository): the floor is under 10 s as one process.
  const dir3 = mkdtempSync(join(tmpdir(), 'detc-rules2500-'));
  for (let i = 0; i < 2500; i++) {
    const text = sources[i % sources.length].replace(/^id: .*$/m, `id: ${String(i).padStart(8, '0')}-0000-4000-8000-000000000000`).replace(/\.\.\/examples\//g, `${process.cwd()}/examples/`);
    writeFileSync(join(dir3, `r${i}.yaml`), text);
  }
  const ms2500 = median(Array.from({ length: quick ? 1 : 3 }, () => time(() => execFileSync(process.execPath, ['bin/detc.js', 'build', dir3, '--no-kusto', '--out', out], { stdio: 'ignore' }))[0]));
  results.compiler['detc build, rules x2500, no kusto'] = { rulesPerSec: Math.round(2500 / (ms2500 / 1000)), wallMs: Math.round(ms2500) };
  log(`compiler   detc build x2500 (whole process) ${Math.round(ms2500)} ms, ${Math.round(2500 / (ms2500 / 1000))} rules/s`);
  rmSync(dir3, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
}

// 4. Cold start of one `detc check`, whole process. The Kusto.Language verdict cache is on for
// detc users; "first check" clears it so the library really loads.
if (section('coldStart')) {
  const env = { ...process.env };
  delete env.DETC_NO_CACHE;
  const run = (args, extraEnv = {}) => median(Array.from({ length: RUNS }, () => time(() => execFileSync(process.execPath, ['bin/detc.js', ...args], { stdio: 'ignore', env: { ...env, ...extraEnv } }))[0]));
  execFileSync(process.execPath, ['bin/detc.js', 'check', 'rules/third_party_integrated_apps.yaml'], { stdio: 'ignore', env }); // fill the cache
  results.coldStart = {
    'check one rule (Kusto verdict cached)': Math.round(run(['check', 'rules/third_party_integrated_apps.yaml'])),
    'check one rule, first time (Kusto.Language loads)': Math.round(run(['check', 'rules/third_party_integrated_apps.yaml'], { DETC_NO_CACHE: '1' })),
    'check one rule --no-kusto': Math.round(run(['check', '--no-kusto', 'rules/third_party_integrated_apps.yaml'])),
    'check one rule --target kql --no-kusto': Math.round(run(['check', '--target', 'kql', '--no-kusto', 'rules/third_party_integrated_apps.yaml'])),
    'node -e 0 (floor)': Math.round(median(Array.from({ length: RUNS }, () => time(() => execFileSync(process.execPath, ['-e', '0']))[0]))),
  };
  for (const [k, v] of Object.entries(results.coldStart)) log(`cold start ${k.padEnd(52)} ${v} ms`);
}

if (childOut) {
  const { machine, runs, ...sections } = results;
  writeFileSync(childOut, JSON.stringify(sections));
} else if (only) log('partial run (--only): bench/results.json left as it was');
else {
  writeFileSync('bench/results.json', `${JSON.stringify(results, null, 2)}\n`);
  log('wrote bench/results.json');
}
