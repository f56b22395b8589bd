#!/usr/bin/env node
/**
 * How much of a corpus of real Sentinel rules detc handles, measured with detc itself:
 * `detc check` (every target, Kusto.Language included) over the rules, given the workspace's
 * tables and parser functions, then per stage the rules that get through it and the most common
 * first failures; and every parser function on its own (its body parsed and bound).
 *
 *   node scripts/corpus-coverage.mjs [--rules DIR] [--tables DIR] [--functions DIR] [--json]
 *
 * Defaults: the shared corpus next to this repository (../shared). Run `npm run build` first
 * (`npm run coverage:corpus` does). Stages, by diagnostic code: load DTC1xxx, parse DTC2xxx, bind
 * DTC3xxx (and DTC1010, mapped columns checked against the bound query), then KQL DTC4xxx, AQL
 * DTC5xxx and JS (DTC6xxx or an internal error) of the rules that bind.
 *
 * QRadar: of the rules that bind and whose tables all have a QRadar mapping (targets/qradar), how
 * many compile to AQL (each rule on its own, as `--target aql` would), and the first construct
 * that stops each of the rest.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const shared = resolve(root, '..', 'shared');

const { values } = parseArgs({
  options: {
    rules: { type: 'string', default: join(shared, 'corpus', 'sentinel') },
    tables: { type: 'string', default: join(shared, 'schemas', 'sentinel-validation', 'CustomTables') },
    functions: { type: 'string', multiple: true, default: [join(shared, 'corpus', 'sentinel-parsers'), join(shared, 'schemas', 'sentinel-validation', 'CustomFunctions')] },
    json: { type: 'boolean', default: false },
    'write-qradar-account': { type: 'boolean', default: false },
  },
});

const STAGES = ['load', 'parse', 'bind', 'KQL', 'AQL', 'JS'];
// DTC1010 (a mapped column the query does not output) is checked against the bound query's columns.
const stageOf = (code) => (code === 'DTC1010' ? 'bind' : ({ 1: 'load', 2: 'parse', 3: 'bind', 4: 'KQL', 5: 'AQL', 6: 'JS' })[code?.[3]] ?? 'JS');

/** A failure reason without the rule-specific tail: the message up to its first `;`, names kept. */
const reasonOf = (d) => `${d.code} ${d.message.split(/; |\(emitted KQL/)[0].trim()}`;

export function measure({ rules, tables, functions }) {
  for (const p of [rules, tables, ...functions]) if (!existsSync(p)) throw new Error(`no such folder: ${p}`);
  const workspace = ['--no-config', '--tables', tables, ...functions.flatMap((f) => ['--functions', f])];
  const run = spawnSync(process.execPath, [join(root, 'bin', 'detc.js'), 'check', rules, ...workspace, '--format', 'json'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  let report;
  try {
    report = JSON.parse(run.stdout);
  } catch {
    throw new Error(`detc check did not report JSON (exit ${run.status}): ${run.stderr.slice(0, 2000)}`);
  }
  const errorsByFile = new Map(report.rules.map((r) => [r.file, []]));
  // A rule id used by two files (DTC1014) is a conflict between files, not a rule that fails to load: counted apart.
  let duplicateIds = 0;
  for (const d of report.diagnostics) {
    if (d.severity !== 'error' || !errorsByFile.has(d.file)) continue;
    if (d.code === 'DTC1014') duplicateIds++;
    else errorsByFile.get(d.file).push(d);
  }
  const passed = Object.fromEntries(STAGES.map((s) => [s, 0]));
  const firstFailures = new Map();
  for (const errors of errorsByFile.values()) {
    const failed = new Set(errors.map((d) => stageOf(d.code)));
    const front = ['load', 'parse', 'bind'];
    const frontFailure = front.find((s) => failed.has(s));
    front.forEach((s, i) => { if (!front.slice(0, i + 1).some((x) => failed.has(x))) passed[s]++; });
    if (!frontFailure) for (const s of ['KQL', 'AQL', 'JS']) if (!failed.has(s)) passed[s]++;
    const first = [...errors].sort((a, b) => STAGES.indexOf(stageOf(a.code)) - STAGES.indexOf(stageOf(b.code)))[0];
    if (first) firstFailures.set(reasonOf(first), (firstFailures.get(reasonOf(first)) ?? 0) + 1);
  }
  const top = [...firstFailures].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 15);
  return { rules: errorsByFile.size, passed, topFirstFailures: top.map(([reason, count]) => ({ count, reason })), duplicateIds, workspaceWarnings: run.stderr.split('\n').filter(Boolean).length };
}

/** Every parser function in `dirs` on its own: called with its defaults (or typed nulls), its body parsed and bound. */
export async function measureParsers({ tables, functions }) {
  const lib = (p) => import(pathToFileURL(join(root, 'build', p)).href);
  const { loadWorkspace } = await lib('workspace/workspace.js');
  const { parseQuery } = await lib('query/parser.js');
  const { bindQuery } = await lib('ir/binder.js');
  const { functionsOf } = await lib('ir/functions.js');
  const { readFunctionFile } = await lib('workspace/function-files.js');
  const parserDir = functions[0];
  const ws = loadWorkspace({ noConfig: true, tablePaths: [tables], functionPaths: functions });
  // One function per parser file (a file may give it several names: ParserName, EquivalentBuiltInParser, an alias).
  const files = readdirSync(parserDir).filter((f) => !/\.(tsv|md)$/i.test(f)).sort();
  let bound = 0;
  let withLegsLeftOut = 0;
  const reasons = new Map();
  for (const file of files) {
    const declared = readFunctionFile(join(parserDir, file)).functions[0];
    const f = declared && functionsOf(ws.tables).get(declared.name);
    let problem = f ? undefined : { fact: 'FunctionFileInvalid', args: ['the file declares no function'] };
    if (f) {
      // Called with its defaults; a parameter without one gets a null of its type.
      const required = f.params.filter((p) => p.default === undefined && p.type !== 'tabular');
      const query = f.params.length ? `${f.name}(${required.map((p) => `${p.name}=${p.type}(null)`).join(', ')})` : f.name;
      const r = bindQuery(parseQuery(query).ast, ws.tables, query);
      // The body itself must bind: a signature standing in for it does not count. A body binds with
      // the legs a fuzzy union leaves out (DTC3017), as in Kusto; those are counted apart.
      problem = r.ir ? r.problems.find((p) => p.fact !== 'DuplicateLet' && p.fact !== 'UnionLegLeftOut') : r.problems[0] ?? { fact: 'none', args: ['no result'] };
      if (!problem && r.problems.some((p) => p.fact === 'UnionLegLeftOut')) withLegsLeftOut++;
    }
    if (!problem) bound++;
    else {
      const text = String(problem.args[0] ?? problem.fact);
      const reason = text.replace(/^workspace function \S+ \([^)]*\) does not compile: /, '').replace(/^in the body of \S+: /, '').split(/;/)[0];
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    }
  }
  const top = [...reasons].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 10);
  return { parsers: files.length, bind: bound, withLegsLeftOut, topReasons: top.map(([reason, count]) => ({ count, reason })) };
}

/**
 * Each rule through the front end and the AQL backend on its own (a build stops its backends at
 * the first rule with front-end errors, which a corpus always has): of the rules that bind and read
 * only tables with a QRadar mapping, how many compile to AQL, and the first error of each other one.
 */
export async function measureAql({ rules, tables, functions }) {
  const lib = (p) => import(pathToFileURL(join(root, 'build', p)).href);
  const { loadWorkspace } = await lib('workspace/workspace.js');
  const { checkRuleFile, findRuleFiles } = await lib('compile.js');
  const { createAqlBackend } = await lib('backends/aql/index.js');
  const { APPROXIMATIONS } = await lib('backends/aql/translate.js');
  const { loadMappings } = await lib('backends/aql/mapping.js');
  const { aqlLimitsIn } = await lib('backends/aql/ceiling.js');
  const ws = loadWorkspace({ noConfig: true, tablePaths: [tables], functionPaths: functions });
  const mapped = loadMappings();
  const backend = createAqlBackend({ required: true });
  // The same rules with every named approximation allowed (each is reported in the AQL when used).
  const approximating = createAqlBackend({ required: true, allow: Object.keys(APPROXIMATIONS) });
  let compiledApproximating = 0;
  const { files } = findRuleFiles([rules]);
  let bound = 0;
  let allMapped = 0;
  let compiled = 0;
  const unmapped = new Map();
  const stops = new Map();
  const perRule = [];
  for (const file of files) {
    const r = checkRuleFile(file, { tables: ws.tables });
    if (!r.ir || r.diagnostics.some((d) => d.severity === 'error')) continue;
    bound++;
    const missing = r.ir.tables.filter((t) => !mapped.has(t));
    if (missing.length) {
      for (const t of new Set(missing)) unmapped.set(t, (unmapped.get(t) ?? 0) + 1);
      continue;
    }
    allMapped++;
    const out = await backend.rule({ rule: r.rule, ir: r.ir, stem: file });
    const error = out.diagnostics.find((d) => d.severity === 'error');
    if (!error && out.artifacts.length) compiled++;
    const approx = await approximating.rule({ rule: r.rule, ir: r.ir, stem: file });
    const approxError = approx.diagnostics.find((d) => d.severity === 'error');
    if (!approxError && approx.artifacts.length) compiledApproximating++;
    else {
      const reason = error ? `${error.code} ${error.message.replace(/^QRadar AQL: /, '').split(/; |: (?=[A-Z])/)[0]}` : 'no AQL and no error';
      stops.set(reason, (stops.get(reason) ?? 0) + 1);
    }
    const approximations = [...new Set(approx.diagnostics.map((d) => /^QRadar AQL approximation (\S+):/.exec(d.message)?.[1]).filter(Boolean))];
    perRule.push({ file, rel: relative(rules, file).split(sep).join('/'), ok: !error, error: error?.message, approxOk: !approxError, approxError: approxError?.message, approximations, limits: aqlLimitsIn(r.ir) });
  }
  const top = (m, n) => [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, n).map(([reason, count]) => ({ count, reason }));
  return { rules: files.length, bound, allMapped, compiled, compiledApproximating, approximations: Object.keys(APPROXIMATIONS), topStops: top(stops, 15), topUnmappedTables: top(unmapped, 10), perRule };
}

/**
 * The per-rule QRadar account (docs/qradar-coverage.md) from measureAql's result: for each rule
 * that reads only mapped tables, whether it compiles, with which approximations, or the construct
 * that stops it, classified by the AQL backend (backends/aql/ceiling.ts) as beyond AQL or not
 * translated yet; and the ceiling: what would compile if detc translated everything AQL can say.
 * A stop no classification knows is an error, so the account cannot fall behind the translator.
 */
export async function qradarAccount(aql) {
  const { classifyStop, AQL_LIMITS } = await import(pathToFileURL(join(root, 'build', 'backends', 'aql', 'ceiling.js')).href);
  const classify = (rel, message) => {
    const stop = classifyStop(message);
    if (!stop) throw new Error(`${rel}: the AQL stop is not classified in src/backends/aql/ceiling.ts: ${message}`);
    return stop;
  };
  const cell = (t) => String(t).replace(/\|/g, '\\|');
  const stopText = (st) => `${st.construct} (${st.verdict === 'cannot' ? 'AQL cannot' : 'not yet'})`;
  const rows = [];
  const tally = { exact: 0, approx: 0, reachExact: 0, reachApprox: 0 };
  const blockedBy = new Map();
  for (const r of [...aql.perRule].sort((a, b) => (a.rel < b.rel ? -1 : 1))) {
    let exact, approx, ceiling;
    if (r.ok) {
      tally.exact++;
      exact = 'compiles';
      approx = 'compiles';
      ceiling = 'compiles';
    } else {
      const stop = classify(r.rel, r.error);
      exact = stopText(stop);
      const approxStop = r.approxOk ? undefined : classify(r.rel, r.approxError);
      approx = r.approxOk ? `compiles (${r.approximations.join(', ')})` : approxStop.construct === stop.construct && r.approxError === r.error ? 'same stop' : stopText(approxStop);
      if (r.approxOk) tally.approx++;
      const exactReach = stop.verdict === 'not-yet' && r.limits.length === 0;
      const approxReach = r.approxOk || (approxStop.verdict === 'not-yet' && r.limits.every((l) => l.approximation));
      if (exactReach) tally.reachExact++;
      if (approxReach && !r.approxOk) tally.reachApprox++;
      if (exactReach) ceiling = 'reachable';
      else {
        const blocker = [stop, ...r.limits].find((x) => x.verdict === 'cannot');
        const hard = [approxStop, ...r.limits].find((x) => x && x.verdict === 'cannot' && !(r.approxOk || (x.approximation && x !== approxStop)));
        // The other constructs beyond AQL in the query: each would block it too.
        const also = [...new Set(r.limits.map((l) => l.construct))].filter((c) => c !== hard?.construct);
        ceiling = approxReach ? `with approximations (exact: ${blocker.construct})` : `AQL cannot: ${hard.construct}${also.length ? ` (also: ${also.join(', ')})` : ''}`;
        if (!approxReach) blockedBy.set(hard.construct, (blockedBy.get(hard.construct) ?? 0) + 1);
      }
    }
    rows.push(`| ${cell(r.rel)} | ${cell(exact)} | ${cell(approx)} | ${cell(ceiling)} |`);
  }
  const n = aql.perRule.length;
  const pct = (k) => `${k}/${n} (${((100 * k) / n).toFixed(1)}%)`;
  const reachExact = tally.exact + tally.reachExact;
  const reachApprox = tally.exact + tally.approx + tally.reachApprox;
  return [
    '# QRadar AQL: per-rule account of the shared corpus',
    '',
    'Generated by `node scripts/corpus-coverage.mjs --write-qradar-account` from detc\'s own translation of each',
    'rule (test/aql/corpus.test.ts fails when it is stale). Rules: those of the shared Sentinel corpus that',
    `bind and read only tables with a QRadar mapping (${n}). Each is translated exactly, then with every named`,
    `approximation allowed (${aql.approximations.join(', ')}).`,
    '',
    '- **exact**: compiles, or the first construct that stops it, classified as *AQL cannot* (IBM\'s AQL has no',
    '  form for it: see the limits below) or *not yet* (AQL could say it; detc does not translate it yet, or lacks',
    '  a fact, e.g. a documented index base).',
    '- **approximations**: the same with the approximations allowed.',
    '- **ceiling**: *reachable* when the stop is *not yet* and the query holds no construct AQL cannot say',
    '  (operators and functions the AQL backend\'s tables mark so, anywhere in the query); *with approximations*',
    '  when only constructs that a named approximation covers are in the way. Both are upper bounds: a construct',
    '  behind a *not yet* stop is checked only against those tables (a union whose legs differ, say, is found',
    '  only by translating).',
    '',
    '## Totals',
    '',
    `| | rules |`,
    `| --- | --- |`,
    `| compile exactly | ${pct(tally.exact)} |`,
    `| compile with approximations | ${pct(tally.exact + tally.approx)} |`,
    `| ceiling, exact: if detc translated everything AQL can say | ${pct(reachExact)} |`,
    `| ceiling with approximations | ${pct(reachApprox)} |`,
    `| blocked by AQL itself, even with approximations | ${pct(n - reachApprox)} |`,
    '',
    `So at most ${pct(reachExact)} of these rules can compile to exact AQL, and ${pct(reachApprox)} with every approximation;`,
    `the other ${n - reachApprox} each hold a construct that AQL itself cannot say (below, the first one met).`,
    '',
    'Blocked by AQL itself, by the construct that blocks (even with approximations):',
    '',
    '| construct | rules |',
    '| --- | --- |',
    ...[...blockedBy].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([c, k]) => `| ${cell(c)} | ${k} |`),
    '',
    '## What AQL cannot say',
    '',
    ...Object.entries(AQL_LIMITS).map(([k, v]) => `- **${k}**: ${v}`),
    '',
    '## Per rule',
    '',
    '| rule | exact | approximations | ceiling |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const options = { rules: values.rules, tables: values.tables, functions: values.functions };
  try {
    if (values['write-qradar-account']) {
      const target = join(root, 'docs', 'qradar-coverage.md');
      writeFileSync(target, await qradarAccount(await measureAql(options)));
      console.log(`wrote ${target}`);
      process.exit(0);
    }
    const corpus = measure(options);
    const parsers = await measureParsers(options);
    const aql = await measureAql(options);
    if (values.json) {
      console.log(JSON.stringify({ corpus, parsers, aql }, null, 2));
    } else {
      const pct = (n, of) => `${n}/${of} (${((100 * n) / of).toFixed(1)}%)`;
      console.log(`rules in ${options.rules}: ${corpus.rules}`);
      for (const s of STAGES) console.log(`  ${s.padEnd(5)} ${pct(corpus.passed[s], corpus.rules)}`);
      if (corpus.duplicateIds) console.log(`  (${corpus.duplicateIds} rule files reuse another file's rule id: DTC1014, not counted as load failures)`);
      console.log('top first failures:');
      for (const f of corpus.topFirstFailures) console.log(`  ${String(f.count).padStart(4)}  ${f.reason}`);
      console.log(`parser functions in ${options.functions[0]}: ${parsers.parsers}; bodies that bind: ${pct(parsers.bind, parsers.parsers)} (${parsers.withLegsLeftOut} of them with union isfuzzy=true legs left out)`);
      console.log('top reasons a body does not bind:');
      for (const r of parsers.topReasons) console.log(`  ${String(r.count).padStart(4)}  ${r.reason}`);
      console.log(`QRadar: rules that bind: ${aql.bound}; of them reading only mapped tables: ${aql.allMapped}; compile to AQL: ${pct(aql.compiled, aql.allMapped)}`);
      console.log(`  with the approximations ${aql.approximations.join(', ')} allowed: ${pct(aql.compiledApproximating, aql.allMapped)}`);
      console.log('top first constructs that stop the rest:');
      for (const r of aql.topStops) console.log(`  ${String(r.count).padStart(4)}  ${r.reason}`);
      console.log('tables without a QRadar mapping (rules reading each):');
      for (const r of aql.topUnmappedTables) console.log(`  ${String(r.count).padStart(4)}  ${r.reason}`);
    }
  } catch (e) {
    console.error(`corpus-coverage: ${e.message}`);
    process.exit(2);
  }
}
