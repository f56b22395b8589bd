/**
 * iff, iif and case with branches of different types: the result type Kusto.Language gives (a
 * dynamic branch takes the other branches' type; int and long widen to long; any other mix is
 * dynamic), and values of that type in the evaluator (a dynamic branch of a string result is text).
 * Found on the corpus rule Mail_redirect_via_ExO_transport_rule (case(.., OfficeObjectId, .., P.Name, "Unknown")).
 */
import { describe, expect, it } from 'vitest';
import { emitKql } from '../../src/backends/kql/emit.js';
import { TableCatalog } from '../../src/ir/tables.js';
import { bind, rows } from '../js/helpers.js';
import { kustoResultColumns } from './kusto-types.js';

const tables = new TableCatalog([
  { name: 'T', columns: [{ name: 's', type: 'string' }, { name: 'd', type: 'dynamic' }, { name: 'n', type: 'long' }, { name: 'i', type: 'int' }, { name: 'r', type: 'real' }, { name: 'b', type: 'bool' }, { name: 't', type: 'datetime' }] },
]);

const CALLS = [
  'iff(b, s, d)', 'iff(b, d, s)', 'iif(b, d, "x")', 'iff(b, n, d)', 'iff(b, t, d)', 'iff(b, i, n)', 'iff(b, n, r)',
  'iff(b, n, s)', 'iff(b, b, s)', 'iff(b, d, d)',
  'case(b, s, b, d, "x")', 'case(b, d, s)', 'case(b, n, s)', 'case(b, d, b, d, n)', 'case(b, i, n)',
];

describe('iff/iif/case result types agree with Kusto.Language', () => {
  for (const call of CALLS) {
    it(call, () => {
      const query = `T | extend R = ${call} | project R`;
      const ir = bind(query, tables);
      const detc = ir.body.schema.map((c) => `${c.name}:${c.type}`);
      for (const text of [query, emitKql(ir)]) {
        const kusto = kustoResultColumns(text, tables);
        expect('error' in kusto ? kusto.error : kusto.columns.map((c) => `${c.name}:${c.type}`)).toEqual(detc);
      }
    });
  }
});

describe('a dynamic branch of a typed result is converted to that type', () => {
  const event = { s: 'text', d: { Name: 'rule 1' }, n: 5, b: false };
  const run = (q: string, e: object = event) => rows(q.replace(/^/, ''), [e]).map((r) => r.R);
  it('string: a bag becomes its JSON text, a string value its text; the string branch is kept', () => {
    expect(run('T | project R = iff(b, s, d)')).toEqual(['{"Name":"rule 1"}']);
    expect(run('T | project R = iff(b, s, d.Name)')).toEqual(['rule 1']);
    expect(run('T | project R = iff(true, s, d)')).toEqual(['text']);
    expect(run('T | project R = case(b, s, true, d.Name, "Unknown")')).toEqual(['rule 1']);
    // A missing member is an empty string in a string result, as tostring(null) is.
    expect(run('T | project R = case(b, s, true, d.Missing, "Unknown")')).toEqual(['']);
  });
  it('long: a JSON number becomes a long; in a where clause too', () => {
    expect(run('T | project R = iff(b, n, d.k)', { ...event, d: { k: 42 } })).toEqual([42]);
    expect(rows('T | where iff(b, n, d.k) == 42', [{ ...event, d: { k: 42 } }])).toHaveLength(1);
    expect(rows('T | where iff(b, s, d.Name) == "rule 1"', [event])).toHaveLength(1);
  });
  it('a mix without a common type is dynamic: values as they are', () => {
    expect(run('T | project R = iff(b, n, s)')).toEqual(['text']);
    expect(run('T | project R = iff(true, n, s)')).toEqual([5]);
  });
});
