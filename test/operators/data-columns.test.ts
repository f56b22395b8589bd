import { describe, expect, it } from 'vitest';
import { checkRuleText } from '../../src/compile.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { capture, ruleYaml } from '../helpers.js';
import { runRuleTests } from '../../src/ruletest/ruletest.js';
import { bindOp, kustoSchema, NOW, opTables, runOp, schemaOf } from './helpers.js';
import { compileQuery } from '../../src/backends/js/compile.js';
import { emitKql } from '../../src/backends/kql/emit.js';
import { kustoDiagnostics } from '../../src/backends/kql/kusto.js';

// Without an output schema the plugins' columns are named by the data, and Kusto outputs them all:
// https://learn.microsoft.com/kusto/query/bag-unpack-plugin ("the schema is extended with as many
// columns as there are distinct slots in the top-level property bag values of T"; its first example
// turns {"Name":"John","Age":20} into the columns Age, Name) and
// https://learn.microsoft.com/kusto/query/pivot-plugin ("all the unique values of the pivot column").
const BAG = 'A | extend d = parse_json(x) | project y, d';
const events = {
  A: [
    { x: '{"Name":"John","Age":20}', y: 1, TimeGenerated: '2025-03-01T00:10:00Z' },
    { x: '{"Name":"Dave","Age":40,"Zone":"eu"}', y: 2, TimeGenerated: '2025-03-01T00:20:00Z' },
    { x: '[1,2]', y: 3, TimeGenerated: '2025-03-01T00:30:00Z' },
  ],
};

describe('bag_unpack outputs every column the data makes (review item 3)', () => {
  it('at the end of the query: a column per property of any row, in name order; where a row lacks it, "" in a column of strings, else null', () => {
    const out = runOp(`${BAG} | evaluate bag_unpack(d)`, events);
    expect(out).toEqual([
      { y: 1, Age: 20, Name: 'John', Zone: '' },
      { y: 2, Age: 40, Name: 'Dave', Zone: 'eu' },
      { y: 3, Age: null, Name: '', Zone: '' },
    ]);
    expect(Object.keys(out[0]!)).toEqual(['y', 'Age', 'Name', 'Zone']);
  });

  it('the result\'s column list names them too, with their type (pivot: the aggregate\'s)', () => {
    const run = (q: string, ev: Record<string, object[]>) => compileQuery(bindOp(q)).run(ev, { now: NOW });
    expect(run(`${BAG} | evaluate bag_unpack(d)`, events).columns).toEqual([
      { name: 'y', type: 'long' },
      { name: 'Age', type: 'long' }, // one type in every row: that type (the page's Returns)
      { name: 'Name', type: 'string' },
      { name: 'Zone', type: 'string' },
    ]);
    const rows = { A: [{ x: 'b', y: 1, TimeGenerated: '2025-03-01T00:10:00Z' }] };
    expect(run('A | project x, y | evaluate pivot(x, max(y))', rows).columns).toEqual([{ name: 'b', type: 'long' }]);
  });

  // The page's Returns: "the type of the slot, if all values of the same slot have the same type, or
  // dynamic, if the values differ in type"; a string is never null in Kusto
  // (https://learn.microsoft.com/kusto/query/scalar-data-types/null-values: string doesn't support null).
  it('a column of strings is "" where a row lacks the property, so == "" finds that row; a column of mixed types is null there', () => {
    expect(runOp(`${BAG} | evaluate bag_unpack(d) | where Name == "" | project y`, events)).toEqual([{ y: 3 }]);
    const mixed = { A: [{ x: '{"v":"a"}', y: 1, TimeGenerated: '2025-03-01T00:10:00Z' }, { x: '{"v":1}', y: 2, TimeGenerated: '2025-03-01T00:10:00Z' }, { x: '{}', y: 3, TimeGenerated: '2025-03-01T00:10:00Z' }] };
    expect(runOp(`${BAG} | evaluate bag_unpack(d)`, mixed).map((r) => r.v)).toEqual(['a', 1, null]);
  });

  it('operators that keep every column keep them (where, extend, sort, take, project-away, project-rename)', () => {
    const out = runOp(`${BAG} | evaluate bag_unpack(d) | where Age > 30 | extend k = 1 | sort by y desc | take 5 | project-away y | project-rename Who = Name`, events);
    expect(out).toEqual([{ Age: 40, Who: 'Dave', Zone: 'eu', k: 1 }]);
    expect(Object.keys(out[0]!)).toEqual(['Age', 'Who', 'Zone', 'k']);
  });

  it('an operator that names every column ends them (project, summarize)', () => {
    expect(runOp(`${BAG} | evaluate bag_unpack(d) | project y, Name`, events)[0]).toEqual({ y: 1, Name: 'John' });
    expect(runOp(`${BAG} | evaluate bag_unpack(d) | summarize n = count()`, events)).toEqual([{ n: 3 }]);
  });

  it('a column the query extends with a property\'s name is output once, with the new value', () => {
    const out = runOp(`${BAG} | evaluate bag_unpack(d) | extend Zone = "x"`, events);
    expect(out[1]).toEqual({ y: 2, Age: 40, Name: 'Dave', Zone: 'x' });
  });
});

describe('pivot outputs every column the data makes (review item 3)', () => {
  const rows = {
    A: [
      { x: 'b', y: 1, TimeGenerated: '2025-03-01T00:10:00Z' },
      { x: 'a', y: 1, TimeGenerated: '2025-03-01T00:20:00Z' },
      { x: 'b', y: 2, TimeGenerated: '2025-03-01T00:30:00Z' },
    ],
  };
  it('a column per value of the pivot column, in first-seen order, 0 where a group has none (count)', () => {
    const out = runOp('A | project x, y | evaluate pivot(x)', rows);
    expect(out).toEqual([{ y: 1, b: 1, a: 1 }, { y: 2, b: 1, a: 0 }]);
    expect(Object.keys(out[0]!)).toEqual(['y', 'b', 'a']);
  });
  it('kept by where and extend after it', () => {
    expect(runOp('A | project x, y | evaluate pivot(x) | where a == 0 | extend k = y * 10', rows)).toEqual([{ y: 2, a: 0, b: 1, k: 20 }]);
  });
});

// Kusto resolves names against the output schema the data makes: a name no row makes is an unknown
// column and the query fails (the bag_unpack page: "the query that is referencing unpacked columns
// may become 'broken'"); column_ifexists is the documented way to read one that may be absent
// (https://learn.microsoft.com/kusto/query/column-ifexists-function).
describe('a column the data does not make fails the run (review item 4)', () => {
  it('after bag_unpack: a name no row\'s bag has is an error naming it, not a null column', () => {
    expect(() => runOp(`${BAG} | evaluate bag_unpack(d) | where isempty(Typo)`, events)).toThrow(/evaluate bag_unpack: the query reads column 'Typo', which no row's bag \(d\) has as a property; .*column_ifexists/);
    expect(() => runOp(`${BAG} | evaluate bag_unpack(d, 'p_') | project p_Name, p_Nmae`, events)).toThrow(/reads column 'p_Nmae'/);
  });
  it('through column_ifexists it is the default, and a name some row has is empty in the others', () => {
    expect(runOp(`${BAG} | evaluate bag_unpack(d) | project y, t = column_ifexists("Typo", "none"), Zone`, events)).toEqual([
      { y: 1, t: 'none', Zone: '' },
      { y: 2, t: 'none', Zone: 'eu' },
      { y: 3, t: 'none', Zone: '' },
    ]);
  });
  it('no input rows: no columns, so a name read after the plugin is an error too (review 2, finding 8)', () => {
    expect(() => runOp(`${BAG} | evaluate bag_unpack(d) | where isempty(Typo)`, { A: [] })).toThrow(/evaluate bag_unpack: the query reads column 'Typo'/);
  });
  it('after pivot: a value no row has is an error naming it', () => {
    const rows = { A: [{ x: 'b', y: 1, TimeGenerated: '2025-03-01T00:10:00Z' }] };
    expect(() => runOp('A | project x, y | evaluate pivot(x) | where c > 0', rows)).toThrow(/evaluate pivot: the query reads column 'c', which is no value of x in any row/);
    expect(runOp('A | project x, y | evaluate pivot(x) | project y, c = column_ifexists("c", -1)', rows)).toEqual([{ y: 1, c: -1 }]);
  });
});

describe('compile time: the names only the data can supply are a warning (review item 4)', () => {
  it('names them, at the plugin, with the output schema that would check them', () => {
    const r = checkRuleText('r.yaml', ruleYaml('SigninLogs | evaluate bag_unpack(DeviceDetail) | where isempty(browsr) | extend os = column_ifexists("operatingSystem", "")'));
    expect(r.diagnostics.map((d) => `${d.code} ${d.severity}`)).toEqual(['DTC3019 warning']);
    expect(r.diagnostics[0]!.message).toBe(
      "evaluate bag_unpack has no output schema, so only the data can supply the columns 'browsr', 'operatingSystem': a name no row makes fails the query in Kusto (and the run in detc); declare the output schema (: (*, browsr:type, operatingSystem:type)) to have them checked, or read a column that may be absent with column_ifexists",
    );
    expect(r.ir).toBeDefined();
  });
  it('no warning with an output schema, or when no later operator names an unpacked column', () => {
    expect(checkRuleText('r.yaml', ruleYaml('SigninLogs | evaluate bag_unpack(DeviceDetail) : (*, browser:string) | where browser == "Edge"')).diagnostics).toEqual([]);
    expect(checkRuleText('r.yaml', ruleYaml('SigninLogs | evaluate bag_unpack(DeviceDetail)')).diagnostics).toEqual([]);
  });
});

describe('alerts and rule tests see the columns the data makes (review items 3, 4)', () => {
  const tests = `tests:
  - name: unpacked
    now: 2025-03-01T12:00:00Z
    events:
      - { TimeGenerated: 2025-03-01T11:00:00Z, UserPrincipalName: a@x.com, DeviceDetail: { browser: Edge, operatingSystem: Windows } }
    expect:
      rows: [ { UserPrincipalName: a@x.com, browser: Edge, operatingSystem: Windows } ]
      absent: [ { operatingSystem: Linux } ]
`;
  it('a rule test\'s rows and absent match a column the query does not name', () => {
    const r = checkRuleText('r.yaml', ruleYaml('SigninLogs | project TimeGenerated, UserPrincipalName, DeviceDetail | evaluate bag_unpack(DeviceDetail)', tests));
    const { results } = runRuleTests(r.rule!, r.ir!);
    expect(results.map((t) => [t.name, t.failures])).toEqual([['unpacked', []]]);
    expect(results[0]!.run!.alerts).toHaveLength(1);
  });
  it('a misspelt unpacked name fails the rule test with the reason, not a silent match', () => {
    const r = checkRuleText('r.yaml', ruleYaml('SigninLogs | project TimeGenerated, UserPrincipalName, DeviceDetail | evaluate bag_unpack(DeviceDetail) | where isempty(operatingSytem)', tests));
    const { results } = runRuleTests(r.rule!, r.ir!);
    expect(results[0]!.passed).toBe(false);
    // At the plugin: line 9 (the query starts on line 9), column 73, where `evaluate bag_unpack(DeviceDetail)` starts.
    expect(results[0]!.failures).toEqual([expect.stringMatching(/^r\.yaml:9:73: evaluate bag_unpack: the query reads column 'operatingSytem', which no row's bag \(DeviceDetail\) has/)]);
  });
});

// Kusto.Language types a column bag_unpack makes from the data `unknown` and accepts it in coalesce
// beside any type, the result `unknown` (detc: dynamic). The NetwrixAuditor parser writes
// `coalesce(column_ifexists("DeviceEventCategory", ""), cat)` after bag_unpack.
describe('coalesce of an unpacked column (issue 27)', () => {
  const q = `${BAG} | evaluate bag_unpack(d) | extend c = coalesce(column_ifexists("Category", ""), Name), n = coalesce(y, Age)`;
  it('binds as Kusto.Language does (unknown: dynamic) and its KQL has no Kusto diagnostics', () => {
    const ir = bindOp(q);
    // detc's schema also lists Category, which column_ifexists reads; Kusto.Language leaves it out (the run does too when no row has it).
    expect(schemaOf(ir).filter((c) => c !== 'Category:dynamic')).toEqual(kustoSchema(q).map((c) => c.replace(/:unknown$/, ':dynamic')));
    expect(schemaOf(ir).slice(-2)).toEqual(['c:dynamic', 'n:dynamic']);
    expect(kustoDiagnostics(emitKql(ir), opTables).filter((d) => d.severity === 'error')).toEqual([]);
  });
  it('runs: the first non-empty argument', () => {
    // Row 3's bag is an array: Name is empty and column_ifexists gives its default "", the last argument coalesce has.
    expect(runOp(`${q} | project c, n`, events)).toEqual([{ c: 'John', n: 1 }, { c: 'Dave', n: 2 }, { c: '', n: 3 }]);
  });
  it('a column only column_ifexists reads, which no row has, is no output column (Kusto has no such column)', () => {
    const out = runOp(`${BAG} | evaluate bag_unpack(d) | extend t = column_ifexists("Missing", "none")`, events);
    expect(Object.keys(out[1]!)).toEqual(['y', 'Age', 'Name', 'Zone', 't']);
    expect(out[1]!.t).toBe('none');
  });
});

// Through a let the rows keep the columns the data makes: Kusto.Language binds
// `let T = ... | evaluate bag_unpack(d); T | where foo == 1` with foo:unknown in T's schema.
describe('the open schema through a let (issue 27)', () => {
  const LET = 'let T = A | extend d = parse_json(x) | project y, d | evaluate bag_unpack(d)';
  it.each([`${LET}; T | where Age > 30`, `${LET} | where Name != ""; T | extend v = tostring(Age)`, `${LET}; T | summarize n = count() by Name`])(
    '%s: the names later statements use are the let\'s columns, as Kusto.Language computes them',
    (q) => {
      const ir = bindOp(q);
      expect(schemaOf(ir)).toEqual(kustoSchema(q).map((c) => c.replace(/:unknown$/, ':dynamic')));
      const kql = emitKql(ir);
      expect(kustoDiagnostics(kql, opTables).filter((d) => d.severity === 'error')).toEqual([]);
      expect(emitKql(bindOp(kql))).toBe(kql);
    },
  );
  it('runs: the rows read through the let have every column the data makes; a misspelt name fails the run', () => {
    expect(runOp(`${LET}; T | where Age > 30`, events)).toEqual([{ y: 2, Age: 40, Name: 'Dave', Zone: 'eu' }]);
    expect(() => runOp(`${LET}; T | where Agee > 30`, events)).toThrow(/reads column 'Agee', which no row's bag \(d\) has/);
  });
});

describe('detc run (review items 3, 4)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'detc-data-columns-'));
  const events = join(dir, 'events.ndjson');
  writeFileSync(events, `${JSON.stringify({ TimeGenerated: '2025-03-01T11:00:00Z', UserPrincipalName: 'a@x.com', DeviceDetail: { browser: 'Edge', operatingSystem: 'Windows' } })}\n`);
  const rule = (query: string) => {
    const file = join(dir, 'r.yaml');
    writeFileSync(file, ruleYaml(query));
    return file;
  };
  it('prints the columns the data makes', async () => {
    const io = capture();
    expect(await main(['run', rule('SigninLogs | project UserPrincipalName, DeviceDetail | evaluate bag_unpack(DeviceDetail)'), '--events', events, '--now', '2025-03-01T12:00:00Z', '--format', 'ndjson', '--no-config'], io)).toBe(0);
    expect(JSON.parse(io.stdout.trim().split('\n')[0]!).rows).toEqual([{ UserPrincipalName: 'a@x.com', browser: 'Edge', operatingSystem: 'Windows' }]);
  });
  it('a misspelt unpacked name: an error naming the file, line and column of the plugin and the column', async () => {
    const io = capture();
    const file = rule('SigninLogs | project UserPrincipalName, DeviceDetail | evaluate bag_unpack(DeviceDetail) | where isempty(browsr)');
    expect(await main(['run', file, '--events', events, '--now', '2025-03-01T12:00:00Z', '--no-config'], io)).toBe(1);
    expect(io.stderr).toContain(`detc run: ${file}:9:58: evaluate bag_unpack: the query reads column 'browsr', which no row's bag (DeviceDetail) has as a property`);
  });
});

describe('a bag property named __proto__ (hostile data)', () => {
  it('is an own column of the row, not its prototype', () => {
    const out = runOp(`${BAG} | evaluate bag_unpack(d)`, { A: [{ x: '{"__proto__":{"polluted":1},"k":2}', y: 1, TimeGenerated: '2025-03-01T00:10:00Z' }] });
    expect(Object.keys(out[0]!)).toEqual(['y', '__proto__', 'k']);
    expect(Object.getPrototypeOf(out[0]!)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
