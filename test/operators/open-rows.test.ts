import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { capture, ruleYaml } from '../helpers.js';
import { problemOf, runOp } from './helpers.js';

// Without an output schema bag_unpack's and pivot's columns are known only from the data
// (https://learn.microsoft.com/kusto/query/bag-unpack-plugin, Note: "the plugin output schema varies
// according to the input data values"; https://learn.microsoft.com/kusto/query/pivot-plugin: "the
// output schema of the pivot plugin is based on the data"). Operators that need every column at bind
// time (join/lookup/union combine two tables' columns; distinct *, arg_max(x, *), take_any(*),
// wildcards and getschema read them all: https://learn.microsoft.com/kusto/query/distinct-operator
// "* ... all columns") are refused with a request for the output schema, instead of dropping or
// shifting those columns (review 2, findings 1, 2, 9).
const BAG = 'A | extend d = parse_json(x) | project y, d';
const PIVOT = 'A | project x, y | evaluate pivot(x)';
const events = {
  A: [
    { x: '{"Name":"John","Age":20}', y: 1, TimeGenerated: '2025-03-01T00:10:00Z' },
    { x: '{"Name":"Dave","Age":40}', y: 2, TimeGenerated: '2025-03-01T00:20:00Z' },
  ],
};

const refused = (operator: string, plugin: string) => new RegExp(`^OpenRowsNeedSchema: ${escape(operator)} ${plugin} evaluate ${plugin}\\(\\.\\.\\.\\) : \\(`);
function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('operators that combine tables refuse open rows (finding 1)', () => {
  it.each([
    [`${BAG} | evaluate bag_unpack(d) | join kind=inner (A | project y, Src = x) on y`, 'join kind=inner'],
    [`${BAG} | evaluate bag_unpack(d) | join (A | project y) on y`, 'join'],
    [`${BAG} | evaluate bag_unpack(d) | join kind=leftanti (A | project y) on y`, 'join kind=leftanti'],
    [`${BAG} | evaluate bag_unpack(d) | join kind=leftsemi (A | project y) on y`, 'join kind=leftsemi'],
    [`${BAG} | evaluate bag_unpack(d) | lookup (A | project y, Src = x) on y`, 'lookup'],
    [`${BAG} | evaluate bag_unpack(d) | union A`, 'union'],
  ])('%s: error at the operator naming it and bag_unpack', (query, operator) => {
    expect(problemOf(query)).toMatch(refused(operator, 'bag_unpack'));
  });

  it('as names open rows for later joins and unions: refused at the as (a later join on the name lost the columns)', () => {
    expect(problemOf(`${BAG} | evaluate bag_unpack(d) | as X | project y | join kind=inner (X) on y`)).toMatch(refused('as X', 'bag_unpack'));
    expect(problemOf(`${BAG} | evaluate bag_unpack(d) : (*, k:string) | as X | project y | join kind=inner (X) on y`)).toBe('no problem');
  });

  it('open rows on the right side of join or lookup, or as a union leg (a sub-query or a let)', () => {
    expect(problemOf(`A | project y | join (${BAG} | evaluate bag_unpack(d)) on y`)).toMatch(refused('join', 'bag_unpack'));
    expect(problemOf(`A | project y | lookup (${PIVOT}) on y`)).toMatch(refused('lookup', 'pivot'));
    expect(problemOf(`union A, (${BAG} | evaluate bag_unpack(d))`)).toMatch(refused('union', 'bag_unpack'));
    expect(problemOf(`let T = ${BAG} | evaluate bag_unpack(d); union A, T`)).toMatch(refused('union', 'bag_unpack'));
    expect(problemOf(`let T = ${BAG} | evaluate bag_unpack(d); T | join (A) on y`)).toMatch(refused('join', 'bag_unpack'));
  });

  it('the message says what to declare, with the plugin\'s declaration form', () => {
    expect(problemOf(`${BAG} | evaluate bag_unpack(d) | join (A) on y`)).toBe('OpenRowsNeedSchema: join bag_unpack evaluate bag_unpack(...) : (*, Name:type, ...)');
    expect(problemOf(`${PIVOT} | join (A) on y`)).toBe('OpenRowsNeedSchema: join pivot evaluate pivot(...) : (GroupColumn:type, ..., Value:type, ...)');
  });

  it('with the output schema declared, join runs and puts each side\'s values in their columns (the review\'s case)', () => {
    const out = runOp(`${BAG} | evaluate bag_unpack(d) : (*, Name:string) | join kind=inner (A | project y, Src = x) on y | project y, Name, Src`, events);
    expect(out).toEqual([
      { y: 1, Name: 'John', Src: '{"Name":"John","Age":20}' },
      { y: 2, Name: 'Dave', Src: '{"Name":"Dave","Age":40}' },
    ]);
  });

  it('an operator that names every column first ends the open rows, so join after it binds', () => {
    expect(problemOf(`${BAG} | evaluate bag_unpack(d) | project y, Name | join (A | project y, Src = x) on y`)).toBe('no problem');
  });
});

// A further evaluate, mv-apply and invoke keep every input column in Kusto; detc's evaluator would drop
// the data's (a parser in the shared corpus unpacks twice: it is now this error).
describe('operators that read every column refuse open rows (findings 2, 9)', () => {
  it.each([
    [`${BAG} | evaluate bag_unpack(d) | distinct *`, 'distinct *', 'bag_unpack'],
    [`${BAG} | evaluate bag_unpack(d) | summarize arg_max(y, *)`, 'arg_max(..., *)', 'bag_unpack'],
    [`${BAG} | evaluate bag_unpack(d) | summarize arg_min(y, *) by y`, 'arg_min(..., *)', 'bag_unpack'],
    [`${BAG} | evaluate bag_unpack(d) | summarize take_any(*)`, 'take_any(..., *)', 'bag_unpack'],
    [`${BAG} | evaluate bag_unpack(d) | where y > 0 | project-away N*`, 'project-away N*', 'bag_unpack'],
    [`${BAG} | evaluate bag_unpack(d) | project-keep y, N*`, 'project-keep N*', 'bag_unpack'],
    [`${BAG} | evaluate bag_unpack(d) | getschema`, 'getschema', 'bag_unpack'],
    [`${BAG} | evaluate bag_unpack(d) | extend e = pack("k", y) | evaluate bag_unpack(e)`, 'evaluate bag_unpack', 'bag_unpack'],
    [`${BAG} | evaluate bag_unpack(d) | mv-apply z = pack_array(1) on (project z)`, 'mv-apply', 'bag_unpack'],
    [`let f = (T:(y:long)) { T | where y > 0 }; ${BAG} | evaluate bag_unpack(d) | invoke f()`, 'invoke', 'bag_unpack'],
    [`${PIVOT} | distinct *`, 'distinct *', 'pivot'],
    [`${PIVOT} | getschema`, 'getschema', 'pivot'],
  ])('%s', (query, operator, plugin) => {
    expect(problemOf(query)).toMatch(refused(operator, plugin));
  });

  it('the same operators without * or a wildcard still bind on open rows', () => {
    expect(problemOf(`${BAG} | evaluate bag_unpack(d) | distinct Name`)).toBe('no problem');
    expect(problemOf(`${BAG} | evaluate bag_unpack(d) | summarize arg_max(y, Name)`)).toBe('no problem');
    expect(problemOf(`${BAG} | evaluate bag_unpack(d) | project-away Name`)).toBe('no problem');
  });

  it('with the output schema declared, distinct * uses the declared columns', () => {
    const twice = { A: [...events.A, events.A[0]!] };
    expect(runOp(`${BAG} | evaluate bag_unpack(d) : (*, Name:string) | distinct *`, twice)).toEqual([{ y: 1, Name: 'John' }, { y: 2, Name: 'Dave' }]);
  });
});

// Kusto resolves names against the schema the data makes; no rows make no columns, so a name read
// after the plugin fails the query whatever the row count (review 2, finding 8).
describe('a column the data does not make fails the run over no rows too (finding 8)', () => {
  it('bag_unpack after a where that removes every row', () => {
    expect(() => runOp(`${BAG} | where y > 100 | evaluate bag_unpack(d) | where isempty(Typo)`, events)).toThrow(/evaluate bag_unpack: the query reads column 'Typo'/);
  });
  it('pivot over no rows', () => {
    expect(() => runOp(`${PIVOT} | where c > 0`, { A: [] })).toThrow(/evaluate pivot: the query reads column 'c'/);
  });
  it('column_ifexists over no rows is no error', () => {
    expect(runOp(`${BAG} | evaluate bag_unpack(d) | where isempty(column_ifexists("Typo", ""))`, { A: [] })).toEqual([]);
  });
});

describe('detc run --format json: a column the data does not make (finding 8)', () => {
  it('prints the JSON error object on stdout, naming the file, line and column', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'detc-open-rows-'));
    const eventsFile = join(dir, 'events.ndjson');
    writeFileSync(eventsFile, `${JSON.stringify({ TimeGenerated: '2025-03-01T11:00:00Z', UserPrincipalName: 'a@x.com', DeviceDetail: { browser: 'Edge' } })}\n`);
    const file = join(dir, 'r.yaml');
    writeFileSync(file, ruleYaml('SigninLogs | project UserPrincipalName, DeviceDetail | evaluate bag_unpack(DeviceDetail) | where isempty(browsr)'));
    const io = capture();
    expect(await main(['run', file, '--events', eventsFile, '--now', '2025-03-01T12:00:00Z', '--format', 'json', '--no-config'], io)).toBe(1);
    const printed = JSON.parse(io.stdout) as { error: string };
    expect(printed.error).toMatch(new RegExp(`^${escape(file)}:9:58: evaluate bag_unpack: the query reads column 'browsr'`));
    expect(io.stderr).toContain(`detc run: ${file}:9:58: evaluate bag_unpack`);
  });
});
