import { describe, expect, it } from 'vitest';
import { translateToAql } from '../../src/backends/aql/translate.js';
import { emitKql } from '../../src/backends/kql/emit.js';
import { loadMappings } from '../../src/backends/aql/mapping.js';
import { checkRuleText } from '../../src/compile.js';
import { ruleYaml } from '../helpers.js';
import { kustoDiagnostics } from '../../src/backends/kql/kusto.js';
import { bindOp, kustoSchema, opTables, problemOf, runOp, schemaOf } from './helpers.js';

/**
 * bag_unpack's schema depends on the data: Kusto.Language marks it open and adds each unknown name a
 * later operator uses as a column of type `unknown`. detc puts those names in bag_unpack's output
 * as dynamic columns (the bag's values, whatever their type): the same names in the same order.
 */
const kustoOpenSchema = (q: string) => kustoSchema(q).map((c) => c.replace(/:unknown$/, ':dynamic'));

/** detc's schema is Kusto.Language's; the KQL has no Kusto diagnostics and binds again to the same. */
function checkOpen(q: string): string {
  const ir = bindOp(q);
  expect(schemaOf(ir)).toEqual(kustoOpenSchema(q));
  const kql = emitKql(ir);
  expect(kustoDiagnostics(kql, opTables).filter((d) => d.severity === 'error')).toEqual([]);
  expect(emitKql(bindOp(kql))).toBe(kql);
  return kql;
}

const BAG = 'A | extend d = parse_json(x)';

// https://learn.microsoft.com/kusto/query/bag-unpack-plugin
describe('evaluate bag_unpack (issue 27)', () => {
  it.each([
    `${BAG} | evaluate bag_unpack(d)`,
    `${BAG} | evaluate bag_unpack(d) | where foo == 1 and bar has "x"`,
    `${BAG} | evaluate bag_unpack(d) | extend v = tostring(foo)`,
    `${BAG} | evaluate bag_unpack(d) | project-rename Foo = foo`,
    `${BAG} | evaluate bag_unpack(d) | project x, foo`,
    `${BAG} | evaluate bag_unpack(d) | summarize count() by bar`,
    `${BAG} | evaluate bag_unpack(d, 'p_') | extend v = tostring(p_foo)`,
    `${BAG} | evaluate bag_unpack(d, columnsConflict='replace_source') | where isnotempty(foo)`,
  ])('%s: the unpacked names later operators use are columns, as Kusto.Language computes them', (q) => {
    checkOpen(q);
  });

  it('the KQL keeps the arguments as written, named ones by name', () => {
    expect(checkOpen(`${BAG} | evaluate bag_unpack(d, columnsConflict='replace_source') | where isnotempty(foo)`)).toContain("| evaluate bag_unpack(d, columnsConflict=\"replace_source\")\n| where isnotempty(foo)");
  });

  it.each([`${BAG} | evaluate bag_unpack(d) : (foo:long, bar:string)`, `${BAG} | evaluate bag_unpack(d) : (*, foo:long, x:string)`])(
    '%s: with an output schema the columns are the declared ones (after the input\'s with *), as Kusto.Language computes them',
    (q) => {
      expect(checkOpen(q)).toMatch(/: \(/);
      expect(schemaOf(bindOp(q))).toEqual(kustoSchema(q));
    },
  );

  it('after an output schema, or after an operator that names every column, an unknown name is an error', () => {
    expect(problemOf(`${BAG} | evaluate bag_unpack(d) : (foo:long) | project bar`)).toMatch(/^UnknownColumn: bar/);
    expect(problemOf(`${BAG} | evaluate bag_unpack(d) | project foo | where bar == 1`)).toMatch(/^UnknownColumn: bar/);
    // With a prefix every unpacked column starts with it; an ignored property is no column.
    expect(problemOf(`${BAG} | evaluate bag_unpack(d, 'p_') | where foo == 1`)).toMatch(/^UnknownColumn: foo/);
    expect(problemOf(`${BAG} | evaluate bag_unpack(d, ignoredProperties=dynamic(['foo'])) | where foo == 1`)).toMatch(/^UnknownColumn: foo/);
  });

  it('bad arguments: a clear problem naming what to give', () => {
    expect(problemOf('A | evaluate bag_unpack(x)')).toMatch(/bag_unpack needs a dynamic column of its input first/);
    expect(problemOf(`${BAG} | evaluate bag_unpack(d, columnsConflict='merge')`)).toMatch(/columnsConflict is 'error', 'replace_source' or 'keep_source', not 'merge'/);
    expect(problemOf(`${BAG} | evaluate bag_unpack(d, colour='x')`)).toMatch(/bag_unpack has no parameter 'colour'/);
    expect(problemOf(`${BAG} | evaluate bag_unpack(d, x)`)).toMatch(/OutputColumnPrefix \(a string constant\)/);
    expect(problemOf(`${BAG} | evaluate narrow() : (a:long)`)).toMatch(/output schema .* is for bag_unpack and pivot, not narrow/);
  });

  const events = {
    A: [
      { x: '{"Name":"John","Age":20}', y: 1, TimeGenerated: '2025-03-01T00:10:00Z' },
      { x: '{"Name":"Dave","Age":40,"y":7}', y: 2, TimeGenerated: '2025-03-01T00:20:00Z' },
      { x: '[1,2]', y: 3, TimeGenerated: '2025-03-01T00:30:00Z' },
    ],
  };

  it('runs per the page: a column per property, empty where a row\'s bag lacks it or is no bag ("" in a column of strings: Kusto\'s strings are never null)', () => {
    const out = runOp(`${BAG} | evaluate bag_unpack(d, columnsConflict='keep_source') | project Name, Age`, events);
    expect(out).toEqual([{ Name: 'John', Age: 20 }, { Name: 'Dave', Age: 40 }, { Name: '', Age: null }]);
  });

  it('a prefix names the columns; ignored properties are not unpacked', () => {
    const out = runOp(`${BAG} | evaluate bag_unpack(d, 'p_', ignoredProperties=dynamic(['Age'])) | project p_Name`, events);
    expect(out.map((r) => r.p_Name)).toEqual(['John', 'Dave', '']);
  });

  it('columnsConflict: error (the default) fails the run; replace_source replaces the input column in every row; keep_source keeps it', () => {
    expect(() => runOp(`${BAG} | evaluate bag_unpack(d) | project y`, events)).toThrow(/property 'y' of d is also an input column/);
    expect(runOp(`${BAG} | evaluate bag_unpack(d, columnsConflict='replace_source') | project y`, events).map((r) => r.y)).toEqual([null, 7, null]);
    expect(runOp(`${BAG} | evaluate bag_unpack(d, columnsConflict='keep_source') | project y`, events).map((r) => r.y)).toEqual([1, 2, 3]);
  });

  it('with an output schema, the declared columns take the properties converted to their type', () => {
    const out = runOp(`${BAG} | evaluate bag_unpack(d, columnsConflict='keep_source') : (*, Age:long, Name:string)`, events);
    expect(out.map((r) => [r.y, r.Age, r.Name])).toEqual([[1, 20, 'John'], [2, 40, 'Dave'], [3, null, null]]);
    expect(Object.keys(out[0]!)).toEqual(['x', 'y', 'TimeGenerated', 'Age', 'Name']);
  });

  it('AQL: an explicit error naming the plugin', () => {
    const r = checkRuleText('r.yaml', ruleYaml('SigninLogs | evaluate bag_unpack(DeviceDetail) | where browser == "Edge"'));
    expect(r.diagnostics.map((d) => d.code)).toEqual(['DTC3019']); // browser: only the data can supply it
    const t = translateToAql(r.ir!, loadMappings().get('SigninLogs'), new Set(), r.rule!.queryPeriodMs);
    expect(t.errors.map((e) => e.message)).toContainEqual(expect.stringMatching(/^evaluate bag_unpack has no AQL equivalent/));
  });
});

// https://learn.microsoft.com/kusto/query/column-ifexists-function: the column if the table has it,
// else the default. After bag_unpack the table has a column when some row's bag has the property.
describe('column_ifexists after bag_unpack (issue 27)', () => {
  const events = {
    A: [
      { x: '{"ForwardTo":"a@x.com"}', y: 1, TimeGenerated: '2025-03-01T00:10:00Z' },
      { x: '{"Other":1}', y: 2, TimeGenerated: '2025-03-01T00:20:00Z' },
    ],
  };
  const q = `${BAG} | evaluate bag_unpack(d) | project y, f = column_ifexists("ForwardTo", "none"), r = column_ifexists("RedirectTo", "none")`;

  it('reads the unpacked column when some row has the property ("" in the others: a column of strings), else the default', () => {
    expect(runOp(q, events)).toEqual([{ y: 1, f: 'a@x.com', r: 'none' }, { y: 2, f: '', r: 'none' }]);
  });

  it('the KQL writes the call as given, which Kusto.Language accepts', () => {
    const kql = emitKql(bindOp(q));
    expect(kql).toContain('f = column_ifexists("ForwardTo", "none"), r = column_ifexists("RedirectTo", "none")');
    expect(kustoDiagnostics(kql, opTables).filter((d) => d.severity === 'error')).toEqual([]);
    expect(emitKql(bindOp(kql))).toBe(kql);
  });
});

describe('entity mappings after bag_unpack (issue 27)', () => {
  const mapping = (column: string) => `entityMappings:\n  - entityType: Account\n    fieldMappings:\n      - identifier: Name\n        columnName: ${column}\n`;

  it('a mapped column the query does not name is a warning while the rows may have it (open schema), an error once every column is named', () => {
    const open = checkRuleText('r.yaml', ruleYaml('SigninLogs | evaluate bag_unpack(DeviceDetail) | where browser == "Edge"', mapping('operatingSystem')));
    expect(open.diagnostics.map((d) => `${d.code} ${d.severity}`)).toEqual(['DTC3019 warning', 'DTC1019 warning']);
    expect(open.diagnostics[1]!.message).toMatch(/column 'operatingSystem' mapped by entity Account.Name is not a column the query names; after evaluate bag_unpack .* \| project-reorder operatingSystem/);
    expect(open.ir).toBeDefined();
    const closed = checkRuleText('r.yaml', ruleYaml('SigninLogs | evaluate bag_unpack(DeviceDetail) | project browser', mapping('operatingSystem')));
    expect(closed.diagnostics.map((d) => `${d.code} ${d.severity}`)).toEqual(['DTC3019 warning', 'DTC1010 error']);
  });

  it('a mapped column the query names after bag_unpack is an output column', () => {
    const named = checkRuleText('r.yaml', ruleYaml('SigninLogs | evaluate bag_unpack(DeviceDetail) | project-reorder operatingSystem', mapping('operatingSystem')));
    expect(named.diagnostics.map((d) => d.code)).toEqual(['DTC3019']);
    expect(named.ir!.body.schema[0]).toEqual({ name: 'operatingSystem', type: 'dynamic' });
  });
});

describe('unpacked columns as keys (issue 27)', () => {
  // Kusto types an unpacked column by its values (dynamic only when they differ), so it may be a
  // sort or group key; detc's dynamic type for it does not stop that.
  const events = { A: [{ x: '{"k":"b"}', y: 1, TimeGenerated: '2025-03-01T00:10:00Z' }, { x: '{"k":"a"}', y: 2, TimeGenerated: '2025-03-01T00:10:00Z' }, { x: '{"k":"b"}', y: 3, TimeGenerated: '2025-03-01T00:10:00Z' }] };
  it('sort by and summarize by an unpacked column', () => {
    expect(runOp(`${BAG} | evaluate bag_unpack(d, columnsConflict='keep_source') | summarize n = count() by k`, events)).toEqual([{ k: 'b', n: 2 }, { k: 'a', n: 1 }]);
    expect(runOp(`${BAG} | evaluate bag_unpack(d, columnsConflict='keep_source') | sort by k asc, y asc | project y`, events)).toEqual([{ y: 2 }, { y: 1 }, { y: 3 }]);
    expect(problemOf(`${BAG} | sort by d`)).toMatch(/cannot sort by a dynamic value/);
  });
});
