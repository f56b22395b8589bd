import { describe, expect, it } from 'vitest';
import { checkSchemaAndKql, problemOf, runOp } from './helpers.js';

// https://learn.microsoft.com/kusto/query/evaluate-operator, narrow-plugin
describe('evaluate (issue 27)', () => {
  it.each(['A | evaluate narrow()', 'A | project x, y | evaluate narrow() | where Column == "y"'])('%s: schema as Kusto.Language computes it; KQL accepted and round-trips', (q) => {
    checkSchemaAndKql(q);
  });

  it('hints (hint.distribution = per_node, ...) are kept in the KQL and change no rows', () => {
    const kql = checkSchemaAndKql('A | project x, y | evaluate hint.distribution = per_node narrow()');
    expect(kql).toContain('| evaluate hint.distribution=per_node narrow()');
    const events = { A: [{ x: 'a', y: 1, TimeGenerated: '2025-03-01T00:10:00Z' }] };
    expect(runOp('A | project x | evaluate hint.distribution = per_node narrow()', events)).toEqual(runOp('A | project x | evaluate narrow()', events));
  });

  it('narrow: one row per input row and column, rows numbered from 0, values as strings', () => {
    const events = { A: [{ x: 'a', y: 1, TimeGenerated: '2025-03-01T00:10:00Z' }, { x: 'b', y: 2, TimeGenerated: '2025-03-01T00:20:00Z' }] };
    const out = runOp('A | project x, y | evaluate narrow()', events);
    expect(out.map((r) => [r.Row, r.Column, r.Value])).toEqual([[0, 'x', 'a'], [0, 'y', '1'], [1, 'x', 'b'], [1, 'y', '2']]);
  });

  it('plugins detc does not bind: an explicit error naming the plugin', () => {
    expect(problemOf('A | evaluate autocluster()')).toBe('UnsupportedOperator: evaluate autocluster ');
    expect(problemOf('A | evaluate narrow(x)')).toMatch(/narrow\(\) takes no arguments/);
    expect(problemOf('A | evaluate 1')).toMatch(/evaluate needs a plugin call/);
  });
});
