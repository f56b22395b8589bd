/**
 * docs/SUPPORT.md, generated from the code (scripts/support-matrix.mjs writes it; a test fails when
 * it is stale). Functions: every catalog entry, its KQL form, its JavaScript semantics and what the
 * AQL backend's function table makes of it (the AQL text is its example translated). Operators and
 * statements: one small query each, run through parse, bind, the KQL emitter (checked by
 * Kusto.Language), the JavaScript compiler and the AQL translator; the status is what they did.
 */
import { aqlOfFunction, aqlOfQuery } from '../backends/aql/support.js';
import { AQL_OPERATORS } from '../backends/aql/operators.js';
import { compileQuery } from '../backends/js/compile.js';
import { emitKql } from '../backends/kql/emit.js';
import { kustoDiagnostics } from '../backends/kql/kusto.js';
import { allEntries } from '../catalog/catalog.js';
import { bindQuery } from '../ir/binder.js';
import { loadTables } from '../ir/tables.js';
import { parseQuery } from '../query/parser.js';
import { PACKAGE_ROOT } from '../paths.js';
import { sep } from 'node:path';

/** One query per operator or statement, over SigninLogs (AuditLogs where an array is needed). */
export const OPERATOR_PROBES: readonly { readonly name: string; readonly query: string }[] = [
  { name: 'where', query: 'SigninLogs | where UserAgent has "curl"' },
  { name: 'extend', query: 'SigninLogs | extend Agent = tolower(UserAgent)' },
  { name: 'project', query: 'SigninLogs | project UserPrincipalName, IPAddress' },
  { name: 'project-away', query: 'SigninLogs | project UserPrincipalName, IPAddress | project-away IPAddress' },
  { name: 'project-keep', query: 'SigninLogs | project-keep UserPrincipalName, IPAddress' },
  { name: 'project-rename', query: 'SigninLogs | project UserPrincipalName | project-rename User = UserPrincipalName' },
  { name: 'project-reorder', query: 'SigninLogs | project UserPrincipalName, IPAddress | project-reorder IPAddress' },
  { name: 'summarize', query: 'SigninLogs | summarize n = count() by UserPrincipalName, bin(TimeGenerated, 1h)' },
  { name: 'distinct', query: 'SigninLogs | distinct UserPrincipalName' },
  { name: 'count', query: 'SigninLogs | count' },
  { name: 'sort', query: 'SigninLogs | project UserPrincipalName | sort by UserPrincipalName asc' },
  { name: 'top', query: 'SigninLogs | top 5 by TimeGenerated desc' },
  { name: 'take', query: 'SigninLogs | take 5' },
  { name: 'join', query: 'SigninLogs | join kind=inner (AADNonInteractiveUserSignInLogs) on UserPrincipalName' },
  { name: 'lookup', query: 'SigninLogs | lookup (AADNonInteractiveUserSignInLogs | project UserPrincipalName, AppId) on UserPrincipalName' },
  { name: 'union', query: 'union SigninLogs, AADNonInteractiveUserSignInLogs | where UserAgent has "curl" | project UserPrincipalName' },
  { name: 'mv-expand', query: 'AuditLogs | mv-expand TargetResources | project TimeGenerated' },
  { name: 'mv-apply', query: 'AuditLogs | mv-apply T = TargetResources on (where tostring(T.type) == "User") | project TimeGenerated' },
  { name: 'make-series', query: 'SigninLogs | make-series n = count() on TimeGenerated step 1h' },
  { name: 'top-nested', query: 'SigninLogs | top-nested 3 of UserPrincipalName by count()' },
  { name: 'getschema', query: 'SigninLogs | getschema' },
  { name: 'parse', query: 'SigninLogs | parse UserAgent with Product "/" Version | project Product' },
  { name: 'parse-where', query: 'SigninLogs | parse-where UserAgent with Product "/" Version | project Product' },
  { name: 'parse-kv', query: 'SigninLogs | parse-kv UserAgent as (a: string) with (pair_delimiter=";", kv_delimiter="=") | project a' },
  { name: 'evaluate narrow()', query: 'SigninLogs | project UserPrincipalName | evaluate narrow()' },
  { name: 'serialize', query: 'SigninLogs | serialize | project UserPrincipalName' },
  { name: 'as', query: 'SigninLogs | project UserPrincipalName | as T | where UserPrincipalName != ""' },
  { name: 'let (scalar)', query: 'let agent = "curl";\nSigninLogs | where UserAgent has agent' },
  { name: 'let (tabular, read as the source)', query: 'let Failed = SigninLogs | where ResultType != 0;\nFailed | project UserPrincipalName' },
  { name: 'let (function)', query: 'let f = (t:string) { table(t) | where UserAgent has "curl" };\nf("SigninLogs") | project UserPrincipalName' },
  { name: 'in (sub-query)', query: 'let Bad = SigninLogs | where ResultType == 50126 | project IPAddress;\nSigninLogs | where IPAddress in (Bad)' },
  { name: 'materialize', query: 'let M = materialize(SigninLogs | where ResultType != 0);\nM | project UserPrincipalName' },
  { name: 'datatable', query: 'datatable(a: string)["x"] | where a == "x"' },
  { name: 'print', query: 'print x = 1' },
  { name: 'range', query: 'range x from 1 to 3 step 1' },
  { name: 'externaldata', query: 'externaldata(a: string)["https://example.com/a.csv"] with (format="csv")' },
  { name: 'evaluate bag_unpack()', query: 'SigninLogs | evaluate bag_unpack(LocationDetails)' },
  { name: 'invoke', query: 'let f = (T:(UserPrincipalName:string)) { T | take 1 };\nSigninLogs | invoke f()' },
  { name: 'sample', query: 'SigninLogs | sample 5' },
  { name: 'search', query: 'search "curl"' },
  { name: 'find', query: 'find where UserAgent has "curl"' },
  { name: 'fork', query: 'SigninLogs | fork (take 1) (take 2)' },
  { name: 'facet', query: 'SigninLogs | facet by UserPrincipalName' },
  { name: 'render', query: 'SigninLogs | summarize count() by bin(TimeGenerated, 1h) | render timechart' },
  { name: 'scan', query: 'SigninLogs | scan with (step s: true;)' },
  { name: 'partition', query: 'SigninLogs | partition by UserPrincipalName (take 1)' },
];

// Messages may name a bundled mapping file: relative to the package, so the file is the same on every machine.
const ROOT = PACKAGE_ROOT.endsWith(sep) ? PACKAGE_ROOT : `${PACKAGE_ROOT}${sep}`;
const cell = (s: string) => s.replaceAll(ROOT, '').replace(/\|/g, '\\|').replace(/\n/g, ' ');
const short = (s: string, n = 160) => (s.length > n ? `${s.slice(0, n - 3)}...` : s);
const OK = 'yes';

interface Status {
  readonly parse: string;
  readonly bind: string;
  readonly kql: string;
  readonly js: string;
  readonly aql: string;
}

function probe(query: string): Status {
  const tables = loadTables();
  const parsed = parseQuery(query);
  if (parsed.problems.length) return { parse: `no: ${parsed.problems[0]!.message}`, bind: '-', kql: '-', js: '-', aql: '-' };
  const bound = bindQuery(parsed.ast, tables, query);
  const problem = bound.problems.find((p) => p.fact !== 'DuplicateLet');
  if (!bound.ir || problem) return { parse: OK, bind: `no: ${String(problem?.args[0] ?? 'no result')}${String(problem?.args[1] ?? '')}`, kql: '-', js: '-', aql: '-' };
  let kql: string;
  try {
    const errors = kustoDiagnostics(emitKql(bound.ir), tables).filter((d) => d.severity === 'error');
    kql = errors.length ? `emitted; Kusto.Language: ${errors[0]!.code} ${errors[0]!.message}` : OK;
  } catch (e) {
    kql = `no: ${(e as Error).message}`;
  }
  let js: string;
  try {
    compileQuery(bound.ir);
    js = OK;
  } catch (e) {
    js = `no: ${(e as Error).message}`;
  }
  const a = aqlOfQuery(query);
  return { parse: OK, bind: OK, kql, js, aql: 'aql' in a ? OK : `no: ${a.error}` };
}

function kqlForm(e: (typeof allEntries)[number]): string {
  const k = e.kql as Record<string, string>;
  if ('call' in k) return `${k.call}()`;
  if ('infix' in k) return `a ${k.infix} b`;
  if ('prefix' in k) return `${k.prefix}a`;
  return `a ${k.list} (...)`;
}

export function supportMatrix(): string {
  const out: string[] = [
    '# What detc supports',
    '',
    '<!-- Generated by `npm run support-matrix` from the code: do not edit by hand. -->',
    '',
    'Every function of the catalog and every query operator or statement, with what each part of',
    'detc does with it: KQL (the emitted query; operators are also checked with Kusto.Language),',
    'JS (the in-process evaluator) and QRadar AQL. An AQL "yes" shows the AQL written for an example;',
    '"no" gives the reason the AQL backend reports.',
    '',
    '## Query operators and statements',
    '',
    'Each row is one small query run through every stage; "-" means an earlier stage stopped it.',
    '',
    '| operator | example | parse | bind | KQL | JS | AQL |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const p of OPERATOR_PROBES) {
    const s = probe(p.query);
    const aqlOp = AQL_OPERATORS[p.name];
    const aql = s.aql === OK && aqlOp && 'written' in aqlOp ? `yes: ${aqlOp.written}` : s.aql;
    out.push(`| ${cell(p.name)} | \`${cell(p.query)}\` | ${cell(short(s.parse))} | ${cell(short(s.bind))} | ${cell(short(s.kql))} | ${cell(short(s.js))} | ${cell(short(aql, 260))} |`);
  }
  out.push('', '## Functions', '', `${allEntries.length} catalog entries (scalar functions, operators and aggregates). JS: every entry has JavaScript semantics in the catalog.`, '');
  out.push('| function | kind | KQL | JS | AQL | what it does |', '| --- | --- | --- | --- | --- | --- |');
  for (const e of [...allEntries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const a = aqlOfFunction(e.name);
    const aql = 'aql' in a ? `\`${cell(a.aql)}\`` : `not in AQL: ${cell(a.error)}`;
    out.push(`| \`${cell(e.name)}\` | ${e.kind} | \`${cell(kqlForm(e))}\` | ${typeof e.js === 'function' ? OK : 'no'} | ${aql} | ${cell(e.doc)} |`);
  }
  return `${out.join('\n')}\n`;
}
