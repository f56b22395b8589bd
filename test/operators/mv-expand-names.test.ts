import { describe, expect, it } from 'vitest';
import { checkSchemaAndKql, runOp } from './helpers.js';

// https://learn.microsoft.com/kusto/query/mv-expand-operator: an unnamed expression's column takes the
// name Kusto derives for it (split(x, ...) is x's), else Column1, Column2, ... as Kusto.Language names them.
describe('mv-expand of an unnamed expression (issue 27)', () => {
  it.each([
    'A | mv-expand split(x, ";")',
    'A | mv-expand pack_array(x, y), pack_array(y)',
    'A | extend Column1 = 1 | mv-expand pack_array(x, y)',
    'A | mv-expand split(x, ";") to typeof(string)',
    'A | extend split(x, ";")',
  ])('%s: schema as Kusto.Language computes it; KQL accepted and round-trips', (q) => {
    checkSchemaAndKql(q);
  });

  it('the expanded values are rows, under the derived name', () => {
    const out = runOp('A | mv-expand split(x, ";") to typeof(string) | project x', { A: [{ x: 'a;b', y: 1, TimeGenerated: '2025-03-01T00:00:00Z' }] });
    expect(out).toEqual([{ x: 'a' }, { x: 'b' }]);
  });
});
