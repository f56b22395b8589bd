import { describe, expect, it } from 'vitest';
import { loadMappings } from '../../src/backends/aql/mapping.js';
import { translateToAql } from '../../src/backends/aql/translate.js';
import { compileQuery } from '../../src/backends/js/compile.js';
import { Facts } from '../../src/diagnostics/codes.js';
import { bindQuery } from '../../src/ir/binder.js';
import { parseQuery } from '../../src/query/parser.js';
import { NOW } from '../js/helpers.js';
import { bindOp, checkSchemaAndKql, opTables, problemOf, runOp, schemaOf } from './helpers.js';

// https://learn.microsoft.com/kusto/query/union-operator
describe('union', () => {
  // ASIM's unifying parsers write their legs as calls: union isfuzzy=true vimDnsA(starttime, ...), vimDnsB(...).
  it('a leg that calls a function: schema as Kusto.Language computes it, KQL accepted, rows of both calls', () => {
    const q = "let f = (v:string) { A | where x == v }; union isfuzzy=true f('1'), f ('2') | project x";
    checkSchemaAndKql(q);
    expect(runOp(q, { A: [{ x: '1' }, { x: '2' }, { x: '3' }] })).toEqual([{ x: '1' }, { x: '2' }]);
  });

  it.each([
    'union A, B',
    'union withsource=S A, B',
    'A | union B',
    'A | where y > 1 | union withsource=Src (B | where z > 1.5) | where isnotnull(z)',
    'union Security*',
    'union withsource=T Security* | summarize count() by T',
    'let L = A | project x; union L, B',
    'union isfuzzy=true A, B',
    'union hint.concurrency=2 A, B',
    'union (A | project TimeGenerated), (B | extend TimeGenerated = now())',
  ])('%s: schema as Kusto.Language computes it; KQL accepted and round-trips', (q) => {
    checkSchemaAndKql(q);
  });

  it('kind=inner keeps the columns every leg has (the documented rule; Kusto.Language reports the outer columns)', () => {
    expect(schemaOf(bindOp('union kind=inner SecurityEvent, SecurityAlert'))).toEqual(['Computer:string', 'TimeGenerated:datetime']);
    // y is in both legs, long in A and string in B: one column per type (review round 4).
    expect(schemaOf(bindOp('union kind=inner A, B'))).toEqual(['y_long:long', 'y_string:string']);
  });

  it('isfuzzy=true leaves out tables that do not exist and keeps them in the KQL', () => {
    const ir = bindOp('union isfuzzy=true A, Missing_CL');
    expect(schemaOf(ir)).toEqual(['x:string', 'y:long', 'TimeGenerated:datetime']);
    expect(ir.body.source.kind === 'union' && ir.body.source.unresolved).toEqual(['Missing_CL']);
    expect(problemOf('union A, Missing_CL')).toMatch(/^UnknownTable: Missing_CL/);
    expect(problemOf('union isfuzzy=true Missing_CL')).toMatch(/UnknownTable.*but no leg is left/);
  });

  it('isfuzzy=true leaves out a subquery leg whose table does not exist, with a warning (the page\'s View_3 leg)', () => {
    const q = 'union isfuzzy=true (A | where y > 0), (Missing_CL | where x == "a") | project x';
    expect(problemOf(q)).toMatch(/^UnionLegLeftOut: union isfuzzy=true leaves out its leg .*Missing_CL/);
    const parsed = parseQuery(q);
    const bound = bindQuery(parsed.ast, opTables, q);
    expect(bound.problems.filter((p) => Facts[p.fact].severity !== 'warning')).toEqual([]);
    expect(compileQuery(bound.ir!).run({ A: [{ x: 'a', y: 1 }, { x: 'b', y: 0 }] }, { now: NOW }).rows).toEqual([{ x: 'a' }]);
    // Without isfuzzy the missing table is the query's error.
    expect(problemOf('union (A | where y > 0), (Missing_CL | where x == "a")')).toMatch(/^UnknownTable: Missing_CL/);
  });

  it('a wildcard matches the catalog names; none matching is an error naming the pattern', () => {
    const ir = bindOp('union Security*');
    expect(ir.body.source.kind === 'union' && ir.body.source.legs.map((l) => l.label)).toEqual(['SecurityAlert', 'SecurityEvent']);
    expect(problemOf('union Nothing*')).toMatch(/UnknownTable: Nothing\* .*no table matches this pattern/);
    expect(problemOf('union kind=left A, B')).toMatch(/union kind must be inner or outer/);
  });

  it('JS: rows of every leg, typed columns split by type, nulls where a leg lacks a column, withsource labels', () => {
    const out = runOp('union withsource=Src A, (B | where z > 1.5)', {
      A: [{ x: 'a', y: 1, TimeGenerated: '2025-03-01T10:00:00Z' }],
      B: [{ y: 'b', z: 2.5 }, { y: 'dropped', z: 1 }],
    });
    expect(out).toEqual([
      { Src: 'A', x: 'a', y_long: 1, y_string: null, TimeGenerated: '2025-03-01T10:00:00Z', z: null },
      { Src: 'union_arg1', x: null, y_long: null, y_string: 'b', TimeGenerated: null, z: 2.5 },
    ]);
  });

  it('JS: the documented example, union of two tables then a count per source', () => {
    // The page's example unions tables with a common column and counts rows (here by withsource).
    const out = runOp('union withsource=Table Security* | summarize n = count() by Table | sort by Table asc', {
      SecurityEvent: [{ Computer: 'h1' }, { Computer: 'h2' }],
      SecurityAlert: [{ AlertName: 'x', Computer: 'h1' }],
    });
    expect(out).toEqual([{ Table: 'SecurityAlert', n: 1 }, { Table: 'SecurityEvent', n: 2 }]);
  });

  it('JS: the piped form reads its input first, then the other legs', () => {
    const out = runOp('A | where y > 1 | union (A | where y == 0) | project y', { A: [{ y: 0 }, { y: 5 }] });
    expect(out).toEqual([{ y: 5 }, { y: 0 }]);
  });

  it('KQL keeps arg_min(T, *) as written (a union\'s expansion can exceed the argument limit)', () => {
    const kql = checkSchemaAndKql('union A, B | summarize arg_min(TimeGenerated, *) by x');
    expect(kql).toBe('union A, B\n| summarize arg_min(TimeGenerated, *) by x\n');
  });

  it('AQL: an explicit error naming union', () => {
    // Legs that aggregate cannot share one AQL query (their groups would mix).
    const t = translateToAql(bindOp('union SecurityEvent, (SecurityEvent | summarize count() by Computer)'), loadMappings().get('SecurityEvent'), new Set(), undefined);
    expect(t.errors.map((e) => e.message)).toEqual([expect.stringMatching(/^a union of legs with summarize has no AQL equivalent/)]);
  });
});
