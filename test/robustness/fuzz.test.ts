/**
 * Fuzzing the front end and the backends: generated and mutated queries and YAML documents. Every
 * input must end in a compiled rule or in diagnostics with a location; never an exception. The
 * normal suite runs a bounded number of cases; `npm run fuzz` runs many more (FUZZ_RUNS).
 */
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadMappings } from '../../src/backends/aql/mapping.js';
import { translateToAql } from '../../src/backends/aql/translate.js';
import { compileQuery } from '../../src/backends/js/compile.js';
import { emitKql } from '../../src/backends/kql/emit.js';
import { kqlName, kqlString } from '../../src/backends/kql/literals.js';
import { checkRuleText, type FrontEndResult } from '../../src/compile.js';
import { formatDiagnostic } from '../../src/diagnostics/format.js';
import { bindQuery } from '../../src/ir/binder.js';
import { loadTables } from '../../src/ir/tables.js';
import { parseQuery } from '../../src/query/parser.js';
import { ruleYaml } from '../helpers.js';
import { hostileFileName, hostileString } from '../hostile-text.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
export const fuzzStats = { cases: 0, compiled: 0 };

const TOKENS = [
  'SigninLogs', 'AuditLogs', 'AADNonInteractiveUserSignInLogs', 'Nope', '|', 'where', 'extend', 'project', 'summarize', 'by',
  'count()', 'dcount(', 'make_set(', 'arg_max(', ')', '(', ',', '==', '!=', '=~', '<', '>=', 'has', '!has', 'has_any', 'contains',
  'in', 'in~', '!in', '"x"', "'y'", '@"z\\"', '1', '-2', '1.5', '24h', '1d', 'ago(1d)', 'now()', 'datetime(2025-01-01)',
  'datetime(bad)', 'dynamic([1,"a"])', 'dynamic({"k":1})', 'UserPrincipalName', 'IPAddress', 'LocationDetails', 'TimeGenerated',
  'ResultType', 'InitiatedBy', '.', '[', ']', '0', 'and', 'or', 'not(', 'let', 'x', '=', ';', 'sort', 'order', 'top', 'take',
  '10', 'asc', 'desc', 'nulls', 'first', 'last', 'mv-expand', 'join', 'union', 'parse', 'bin(TimeGenerated, 1h)', '*', '-',
  '+', '/', '%', '"unterminated', '\\', '//comment\n', '\n', 'project-away', 'project-rename', 'project-reorder', 'between',
  '(1 .. 2)', '..', 'matches regex', '"(?=x)"', '"(a+)+$"', 'iff(', 'case(', 'tostring(', 'parse_json(', 'split(', "['a b']",
  'distinct', 'count', '{', '}', ':', '```x```', 'h"s"', 'toscalar(', 'materialize(', '\u00e9', '\u{1F600}', '\t',
  'kind=inner', 'kind=leftanti', '$left.a', '$right.b', 'on', 'mvexpand', 'with_itemindex=i', 'to typeof(long)',
  'pack(', 'bag_pack("k",', 'array_slice(',
];

// Tokens, and now and then a string literal or a quoted name holding quotes, backslashes, controls.
const soup = fc
  .array(
    fc.oneof(
      { weight: 10, arbitrary: fc.constantFrom(...TOKENS) },
      { weight: 1, arbitrary: hostileString(3).map(kqlString) },
      { weight: 1, arbitrary: hostileString(3).map((n) => kqlName(`c${n}`)) },
    ),
    { maxLength: 30 },
  )
  .map((ts) => ts.join(' '));

const queries: string[] = [];
for (const dir of ['rules']) {
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.yaml'))) {
    const r = checkRuleText(f, readFileSync(`${dir}/${f}`, 'utf8'));
    if (r.rule) queries.push(r.rule.query);
  }
}
const corpusRoot = '../shared/corpus/sentinel';
try {
  for (const sub of readdirSync(corpusRoot)) {
    for (const f of readdirSync(`${corpusRoot}/${sub}`).filter((n) => n.endsWith('.yaml')).slice(0, 25)) {
      const r = checkRuleText(f, readFileSync(`${corpusRoot}/${sub}/${f}`, 'utf8'));
      if (r.rule) queries.push(r.rule.query);
    }
  }
} catch {
  // The corpus is optional for this test.
}

/** A mutation of a text: delete, insert, duplicate or replace a random range. */
const mutated = (base: fc.Arbitrary<string>) =>
  fc.tuple(base, fc.array(fc.tuple(fc.nat(), fc.nat({ max: 12 }), fc.constantFrom('del', 'ins', 'dup', 'rep'), fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 4 }), hostileString(2))), { minLength: 1, maxLength: 4 })).map(([text, edits]) => {
    let t = text;
    for (const [pos, len, op, ins] of edits) {
      const i = t.length ? pos % t.length : 0;
      if (op === 'del') t = t.slice(0, i) + t.slice(i + len);
      else if (op === 'ins') t = t.slice(0, i) + ins + t.slice(i);
      else if (op === 'dup') t = t.slice(0, i + len) + t.slice(i, i + len) + t.slice(i + len);
      else t = t.slice(0, i) + ins + t.slice(i + Math.max(1, len));
    }
    return t;
  });

const tables = loadTables();
const mappings = loadMappings();

/** detc's own color codes: the only escape sequences a diagnostic on the terminal may hold. */
const PAINT = /\x1b\[[0-9;]*m/g;

/**
 * The invariant: no exception; diagnostics located inside the file and printable on a terminal
 * without any control character from the input; compiled rules survive every backend.
 */
function holds(file: string, text: string): FrontEndResult {
  fuzzStats.cases++;
  const r = checkRuleText(file, text);
  const lines = text.split(/\r?\n/).length;
  for (const d of r.diagnostics) {
    expect(d.code).toMatch(/^DTC\d{4}$/);
    // Lines of the output are separated by LF; a tab is kept in code frames; nothing else.
    expect(formatDiagnostic(d, text, true).replace(PAINT, '')).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
    if (d.code !== 'DTC1016') {
      expect(d.start, d.message).toBeDefined();
      expect(d.start!.line).toBeGreaterThanOrEqual(1);
      expect(d.start!.line).toBeLessThanOrEqual(lines + 1);
      expect(d.start!.col).toBeGreaterThanOrEqual(1);
    }
  }
  if (r.ir && !r.diagnostics.some((d) => d.severity === 'error')) {
    fuzzStats.compiled++;
    // Parse -> emit -> parse again is stable.
    const kql = emitKql(r.ir);
    const again = parseQuery(kql);
    expect(again.problems).toEqual([]);
    const rebound = bindQuery(again.ast, tables, kql);
    expect(rebound.problems).toEqual([]);
    expect(emitKql(rebound.ir!)).toBe(kql);
    const table = r.ir.body.source.kind === 'table' ? r.ir.body.source.table : '';
    translateToAql(r.ir, mappings.get(table), new Set(['drop-list-aggregates']), r.rule!.queryPeriodMs);
    compileQuery(r.ir).run([{ TimeGenerated: '2025-03-01T11:00:00Z', UserPrincipalName: 'a', LocationDetails: '{"a":1}' }, {}], { now: Date.parse('2025-03-01T12:00:00Z') });
  }
  return r;
}

describe('front-end fuzzing', () => {
  it('token soup queries', () => {
    fc.assert(fc.property(hostileFileName(), soup, (file, q) => void holds(file, ruleYaml(q))), { numRuns: RUNS });
  });

  it('mutated real queries', () => {
    fc.assert(fc.property(mutated(fc.constantFrom(...queries)), (q) => void holds('m.yaml', ruleYaml(q))), { numRuns: RUNS });
  });

  it('mutated rule files (YAML level)', () => {
    const files = readdirSync('rules').filter((n) => n.endsWith('.yaml')).map((f) => readFileSync(`rules/${f}`, 'utf8'));
    fc.assert(fc.property(mutated(fc.constantFrom(...files)), (t) => void holds('y.yaml', t)), { numRuns: RUNS });
  });

  it('arbitrary YAML documents', () => {
    fc.assert(fc.property(fc.anything({ maxDepth: 4 }), (v) => void holds('a.yaml', stringify(v) ?? '')), { numRuns: RUNS });
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('id', 'name', 'severity', 'query', 'entityMappings', 'queryPeriod', 'queryFrequency', 'tests', 'targets', 'customDetails'), fc.anything({ maxDepth: 3 })), (v) => void holds('d.yaml', stringify(v) ?? '')),
      { numRuns: RUNS },
    );
  });

  it('absurd sizes fail cleanly', () => {
    const huge = ruleYaml(`SigninLogs\n| where UserAgent == "${'a'.repeat(1_100_000)}"`);
    expect(holds('big.yaml', huge).diagnostics.map((d) => d.code)).toEqual(['DTC1016']);
    const longQuery = ruleYaml(`SigninLogs\n${'| where UserAgent has "x"\n'.repeat(500)}`);
    const r = holds('long.yaml', longQuery);
    expect(r.diagnostics.map((d) => d.message)).toContain('query must NOT have more than 10000 characters');
    const deep = ruleYaml(`SigninLogs | where ${'('.repeat(2000)}true${')'.repeat(2000)}`);
    expect(holds('deep.yaml', deep).diagnostics.map((d) => d.code)).toEqual(['DTC2002']);
    const chain = ruleYaml(`SigninLogs | where ${Array(20000).fill('ResultType == "0"').join(' or ')}`);
    expect(holds('chain.yaml', chain).diagnostics.map((d) => d.code)).toEqual(['DTC1002']); // over 10,000 characters
    const chainText = `SigninLogs | where ${Array(3000).fill('ResultType == "0"').join(' or ')}`;
    expect(() => parseQuery(chainText)).not.toThrow();
  });
});
