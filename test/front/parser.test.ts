import { describe, expect, it } from 'vitest';
import { parseQuery } from '../../src/query/parser.js';
import type { Expr } from '../../src/query/ast.js';

function whereExpr(q: string): Expr {
  const r = parseQuery(`T | where ${q}`);
  expect(r.problems).toEqual([]);
  const op = r.ast.body!.ops[0]!;
  if (op.op !== 'where') throw new Error('not a where');
  return op.predicate;
}

/** Render an expression with explicit parentheses to check precedence. */
function show(e: Expr): string {
  switch (e.kind) {
    case 'binary':
      return Array.isArray(e.right) ? `(${show(e.left)} ${e.op} [${e.right.map((p) => show(p.source)).join(', ')}])` : `(${show(e.left)} ${e.op} ${show(e.right as Expr)})`;
    case 'name':
      return e.name;
    case 'literal':
      return JSON.stringify(e.literal.value);
    case 'call':
      return `${e.name}(${e.args.map((a) => show(a.source)).join(', ')})`;
    case 'member':
      return `${show(e.target)}.${e.name}`;
    case 'unary':
      return `${e.op}${show(e.operand)}`;
    default:
      return e.kind;
  }
}

describe('KQL parser', () => {
  it('gives and tighter binding than or, comparisons tighter than and, * tighter than +', () => {
    expect(show(whereExpr('a == 1 or b == 2 and c has "x"'))).toBe('((a == 1) or ((b == 2) and (c has "x")))');
    expect(show(whereExpr('a + b * 2 > 3'))).toBe('((a + (b * 2)) > 3)');
  });

  it('parses list operators, between and matches regex', () => {
    expect(show(whereExpr('a in~ ("x", "y")'))).toBe('(a in~ ["x", "y"])');
    expect(show(whereExpr('a !in (L)'))).toBe('(a !in [L])');
    expect(show(whereExpr('a has_any (L)'))).toBe('(a has_any [L])');
    expect(show(whereExpr('n between (1 .. 10)'))).toBe('(n between [1, 10])');
    expect(show(whereExpr('n !between (1..10)'))).toBe('(n !between [1, 10])');
    expect(show(whereExpr('s matches regex "a+b"'))).toBe('(s matches regex "a+b")');
    expect(show(whereExpr('s !contains_cs "A"'))).toBe('(s !contains_cs "A")');
  });

  it('decodes every string literal form', () => {
    const value = (src: string) => {
      const e = whereExpr(`x == ${src}`);
      return e.kind === 'binary' && !Array.isArray(e.right) && e.right.kind === 'literal' ? e.right.literal.value : undefined;
    };
    expect(value(String.raw`'it\'s'`)).toBe("it's");
    expect(value(String.raw`"tab\there\n"`)).toBe('tab\there\n');
    expect(value(String.raw`"\u00e9\\"`)).toBe('é\\');
    expect(value(String.raw`@'C:\dir\'`)).toBe(String.raw`C:\dir\\`.slice(0, -1));
    expect(value(`@"say ""hi"""`)).toBe('say "hi"');
    expect(value(`@'it''s'`)).toBe("it's");
    expect(value(`h'secret'`)).toBe('secret');
    expect(value(`"a" 'b' @"c"`)).toBe('abc');
    expect(value('```multi\nline```')).toBe('multi\nline');
  });

  it('decodes timespans, datetimes, numbers and dynamic literals', () => {
    const lit = (src: string) => {
      const r = parseQuery(`let x = ${src};`);
      expect(r.problems).toEqual([]);
      const e = r.ast.lets[0]!.value.source;
      return e.kind === 'literal' ? e.literal : undefined;
    };
    // Timespans and datetimes in 100 ns ticks (datetimes since 2020-01-01: semantics/ticks.ts).
    expect(lit('24h')).toEqual({ type: 'timespan', value: 864_000_000_000 });
    expect(lit('1.5d')).toEqual({ type: 'timespan', value: 1_296_000_000_000 });
    expect(lit('100ms')).toEqual({ type: 'timespan', value: 1_000_000 });
    expect(lit('1tick')).toEqual({ type: 'timespan', value: 1 });
    expect(lit('0.0000003s')).toEqual({ type: 'timespan', value: 3 });
    expect(lit('7microseconds')).toEqual({ type: 'timespan', value: 70 });
    expect(lit('30m')).toEqual({ type: 'timespan', value: 18_000_000_000 });
    expect(lit('datetime(2025-01-31T12:00:00Z)')).toEqual({ type: 'datetime', value: (Date.UTC(2025, 0, 31, 12) - Date.UTC(2020, 0, 1)) * 10_000 });
    expect(lit('datetime(2017-10-30 01:02:03.7654321)')).toEqual({ type: 'datetime', value: (Date.UTC(2017, 9, 30, 1, 2, 3) - Date.UTC(2020, 0, 1)) * 10_000 + 7_654_321 });
    expect(lit('datetime(2025-01-31)')).toEqual({ type: 'datetime', value: (Date.UTC(2025, 0, 31) - Date.UTC(2020, 0, 1)) * 10_000 });
    expect(lit('datetime(null)')).toEqual({ type: 'datetime', value: null });
    expect(lit('42')).toEqual({ type: 'long', value: 42 });
    expect(lit('4.5e1')).toEqual({ type: 'real', value: 45 });
    expect(lit('dynamic(["a", 1, {"k": [true, null]}])')).toEqual({ type: 'dynamic', value: ['a', 1, { k: [true, null] }] });
  });

  it('parses every tabular operator of the foundation', () => {
    const q = `T
| where a > 1
| filter b
| extend c = a * 2, d = tostring(e.f)
| project a, c, x = d
| project-away c
| project-keep a, x
| project-rename y = x
| project-reorder y asc
| summarize n = count(), dcount(a) by bin(TimeGenerated, 1h), y
| sort by n desc nulls first, y asc
| order by n
| top 5 by n asc
| take 10
| limit 3
| distinct y
| count`;
    const r = parseQuery(q);
    expect(r.problems).toEqual([]);
    expect(r.ast.body!.ops.map((o) => o.op)).toEqual([
      'where', 'where', 'extend', 'project', 'project-away', 'project-keep', 'project-rename', 'project-reorder',
      'summarize', 'sort', 'sort', 'top', 'take', 'take', 'distinct', 'count',
    ]);
  });

  it('parses mv-expand with its options', () => {
    const r = parseQuery('T | mv-expand kind=array with_itemindex=i a, b = d.x to typeof(long) limit 5 | mvexpand c');
    expect(r.problems).toEqual([]);
    const [mv, legacy] = r.ast.body!.ops;
    expect(mv!.op === 'mv-expand' && [mv.kind, mv.itemIndex?.name, mv.items.map((i) => [i.name, i.toType?.name]), mv.legacy]).toEqual(['array', 'i', [[undefined, undefined], ['b', 'long']], false]);
    expect(legacy!.op === 'mv-expand' && legacy.legacy).toBe(true);
  });

  it('keeps going after an unsupported operator and records where it is', () => {
    const q = 'T | top-hitters 3 of x | where y == 2';
    const r = parseQuery(q);
    expect(r.problems).toEqual([]);
    const ops = r.ast.body!.ops;
    expect(ops.map((o) => o.op)).toEqual(['unsupported', 'where']);
    const apply = ops[0]!;
    expect(apply.op === 'unsupported' && q.slice(apply.nameSpan.start, apply.nameSpan.end)).toBe('top-hitters');
  });

  it('parses join with its kind, a parenthesised right side and keys', () => {
    const r = parseQuery('T | join kind=leftouter hint.strategy=shuffle (U | where x == 1) on Id, $left.A == $right.B | join V on C');
    expect(r.problems).toEqual([]);
    const [j1, j2] = r.ast.body!.ops;
    expect(j1!.op === 'join' && [j1.kind?.name, j1.right.ops.length, j1.keys.length]).toEqual(['leftouter', 1, 2]);
    expect(j2!.op === 'join' && [j2.kind, j2.right.source.kind]).toEqual([undefined, 'name']);
  });

  it('reports a syntax error at the offending token, one per statement', () => {
    const q = 'let a = 1 +;\nT | where x == | take 1';
    const r = parseQuery(q);
    expect(r.problems.map((p) => [p.message, q.slice(p.span.start, p.span.end)])).toEqual([
      ['unexpected end of query: expected an expression', ';'],
      ["unexpected '|': expected an expression", '|'],
    ]);
  });

  it('reports an unterminated string', () => {
    const r = parseQuery('T | where a == "abc');
    expect(r.problems[0]!.message).toBe('string literal has no closing quote on this line');
  });
});
