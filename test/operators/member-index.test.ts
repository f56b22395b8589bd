import { describe, expect, it } from 'vitest';
import { emitKql } from '../../src/backends/kql/emit.js';
import { bindOp, checkSchemaAndKql, runOp } from './helpers.js';

describe('x.[0]-style access', () => {
  it('A | extend d = dynamic([1]) | extend e = d.[0]: schema as Kusto.Language computes it; KQL accepted and round-trips', () => {
    checkSchemaAndKql('A | extend d = dynamic([1]) | extend e = d.[0]');
  });

  it('is the same as d[0], and d.[\'k\'] as d.k', () => {
    expect(emitKql(bindOp('A | extend d = dynamic([1]) | extend e = d.[0], f = d.[y], g = d.[\'k\']'))).toBe('A\n| extend d = dynamic([1])\n| extend e = d[0], f = d[y], g = d.k\n');
    expect(runOp('A | extend d = dynamic([5, 6]) | project e = d.[1], f = d.[-1]', { A: [{}] })).toEqual([{ e: 6, f: 6 }]);
  });
});

// https://learn.microsoft.com/kusto/query/getschema-operator
describe('getschema', () => {
  it('A | getschema: schema as Kusto.Language computes it; KQL accepted and round-trips', () => {
    checkSchemaAndKql('A | getschema');
    checkSchemaAndKql('A | project x, y | getschema | where ColumnType == "long"');
  });

  it('one row per input column, with its ordinal and types, whatever the input rows', () => {
    expect(runOp('A | extend d = dynamic(null), b = true | getschema', { A: [] })).toEqual([
      { ColumnName: 'x', ColumnOrdinal: 0, DataType: 'System.String', ColumnType: 'string' },
      { ColumnName: 'y', ColumnOrdinal: 1, DataType: 'System.Int64', ColumnType: 'long' },
      { ColumnName: 'TimeGenerated', ColumnOrdinal: 2, DataType: 'System.DateTime', ColumnType: 'datetime' },
      { ColumnName: 'd', ColumnOrdinal: 3, DataType: 'System.Object', ColumnType: 'dynamic' },
      { ColumnName: 'b', ColumnOrdinal: 4, DataType: 'System.SByte', ColumnType: 'bool' },
    ]);
  });
});
