import { describe, expect, it } from 'vitest';
import { emitKql } from '../../src/backends/kql/emit.js';
import { bindOp, checkSchemaAndKql, problemOf, runOp } from './helpers.js';

describe('lookup, join hints, containscs, as', () => {
  it.each([
    'A | lookup kind=leftouter (B | project y2 = y, z) on $left.x == $right.y2',
    'A | lookup (A | project x, w = y) on x',
    'A | lookup kind=inner (SecurityEvent | project x = Computer, EventID) on x',
    'A | join hint.strategy=broadcast hint.shufflekey=x kind=inner (A) on x',
    'A | where x containscs "a"',
    'A | as T | where x == "a"',
    'A | as hint.materialized=true T | join (T) on x',
  ])('%s: schema as Kusto.Language computes it; KQL accepted and round-trips', (q) => {
    checkSchemaAndKql(q);
  });

  it('KQL keeps lookup and the hints as written', () => {
    expect(emitKql(bindOp('A | lookup (A | project x, w = y) on x'))).toBe('A\n| lookup kind=leftouter (A | project x, w = y) on x\n');
    expect(emitKql(bindOp('A | join hint.strategy=broadcast kind=inner (A) on x'))).toBe('A\n| join kind=inner hint.strategy=broadcast (A) on x\n');
    expect(emitKql(bindOp('A | as T | where x == "a"'))).toBe('let T = A;\nT\n| where x == "a"\n');
  });

  // https://learn.microsoft.com/kusto/query/lookup-operator: leftouter keeps every left row (nulls when
  // unmatched), inner only matched ones; the right key columns are not repeated.
  it('JS: lookup rows as the page\'s example (FactTable with a dimension table)', () => {
    const events = { A: [{ x: 'Bill', y: 1 }, { x: 'Jo', y: 2 }, { x: 'Nobody', y: 3 }], SecurityEvent: [{ Computer: 'Bill', EventID: 10 }, { Computer: 'Jo', EventID: 20 }] };
    expect(runOp('A | lookup (SecurityEvent | project x = Computer, EventID) on x | project x, y, EventID', events)).toEqual([
      { x: 'Bill', y: 1, EventID: 10 },
      { x: 'Jo', y: 2, EventID: 20 },
      { x: 'Nobody', y: 3, EventID: null },
    ]);
    expect(runOp('A | lookup kind=inner (SecurityEvent | project x = Computer, EventID) on x | project x, EventID', events)).toEqual([
      { x: 'Bill', EventID: 10 },
      { x: 'Jo', EventID: 20 },
    ]);
  });

  it('JS: containscs is case-sensitive contains; hints change nothing; as names the pipe for later use', () => {
    expect(runOp('A | where x containscs "Ab" | project x', { A: [{ x: 'xAby' }, { x: 'xaby' }] })).toEqual([{ x: 'xAby' }]);
    const events = { A: [{ x: 'a', y: 1 }, { x: 'b', y: 2 }] };
    expect(runOp('A | join hint.strategy=broadcast kind=inner (A) on x | project x, y1', events)).toEqual(runOp('A | join kind=inner (A) on x | project x, y1', events));
    expect(runOp('A | where y > 1 | as T | join kind=inner (T) on x | project x, y, y1', events)).toEqual([{ x: 'b', y: 2, y1: 2 }]);
  });

  it('clear errors', () => {
    expect(problemOf('A | lookup kind=fullouter (A) on x')).toMatch(/lookup kind must be leftouter or inner/);
    expect(problemOf('let T = A; A | as T')).toMatch(/DuplicateLet/);
  });
});
