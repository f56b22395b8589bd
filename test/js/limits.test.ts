import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileQuery } from '../../src/backends/js/compile.js';
import { DEFAULT_LIMITS, EvaluationLimitError } from '../../src/backends/js/limits.js';
import { main } from '../../src/cli/main.js';
import { capture } from '../helpers.js';
import { bind, NOW } from './helpers.js';

/**
 * The evaluator's bounds (issue: 5M summarize groups reached 4.38 GB, three nested mv-expand of a
 * 1,000-element array ran for minutes). Kusto bounds queries too
 * (https://learn.microsoft.com/kusto/concepts/query-limits); detc stops with a message that names
 * the limit and the flag that raises it.
 */
const events = (n: number) => Array.from({ length: n }, (_, i) => ({ s: `u${i}`, n: i, d: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], TimeGenerated: '2025-03-01T11:00:00Z' }));
const run = (query: string, n: number, limits?: { maxGroups?: number; maxRows?: number }) => compileQuery(bind(query)).run(events(n), { now: NOW, limits });
const limitOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    if (e instanceof EvaluationLimitError) return `${e.limit} ${e.value}`;
    throw e;
  }
  return undefined;
};

describe('evaluation limits', () => {
  it('summarize: at most maxGroups groups, in the streaming and the in-memory paths', () => {
    expect(run('T | summarize count() by s', 100, { maxGroups: 100 }).rows).toHaveLength(100);
    expect(limitOf(() => run('T | summarize count() by s', 101, { maxGroups: 100 }))).toBe('maxGroups 100');
    // Two keys (another group table path), and a summarize after a non-fused operator.
    expect(limitOf(() => run('T | summarize count() by s, n', 101, { maxGroups: 100 }))).toBe('maxGroups 100');
    expect(limitOf(() => run('T | take 1000 | summarize count() by s', 101, { maxGroups: 100 }))).toBe('maxGroups 100');
    // A session (events pushed one at a time) is bounded the same way.
    const session = compileQuery(bind('T | summarize count() by s')).open({ now: NOW, limits: { maxGroups: 10 } });
    expect(limitOf(() => events(11).forEach((e) => session.push(e)))).toBe('maxGroups 10');
  });

  it('distinct: at most maxGroups rows', () => {
    expect(run('T | distinct s', 50, { maxGroups: 50 }).rows).toHaveLength(50);
    expect(limitOf(() => run('T | distinct s', 51, { maxGroups: 50 }))).toBe('maxGroups 50');
  });

  it('mv-expand, nested: rows made are counted across operators against maxRows', () => {
    // 10 events x 10 x 10 = 1,000 rows from the second mv-expand (plus 100 from the first).
    const nested = 'T | mv-expand a = d | mv-expand b = d | summarize count()';
    expect(run(nested, 10, { maxRows: 1_100 }).rows).toEqual([{ count_: 1000 }]);
    expect(limitOf(() => run(nested, 10, { maxRows: 1_099 }))).toBe('maxRows 1099');
  });

  it('join: its output rows count against maxRows', () => {
    const q = 'T | extend k = 1 | join kind=inner (T | extend k = 1) on k | count';
    expect(run(q, 30, { maxRows: 900 }).rows).toEqual([{ Count: 900 }]);
    expect(limitOf(() => run(q, 30, { maxRows: 899 }))).toBe('maxRows 899');
  });

  it('the defaults hold when no limits are given, and the message says how to raise them', () => {
    expect(DEFAULT_LIMITS).toEqual({ maxGroups: 1_000_000, maxRows: 10_000_000 });
    const e = new EvaluationLimitError('maxGroups', 1_000_000, 'the number of groups of a summarize');
    expect(e.message).toBe("the number of groups of a summarize exceeds the evaluator's limit of 1,000,000 (--max-groups N raises it; RunOptions.limits.maxGroups in the API); narrow the query or the events");
  });

  it('detc run: --max-groups stops the run with exit 1 and the message; a bad value is a usage error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'detc-limits-'));
    const rule = join(dir, 'r.yaml');
    writeFileSync(rule, readFileSync('rules/application_access_token_entra.yaml', 'utf8').replace('../examples/', `${process.cwd()}/examples/`));
    const args = ['run', rule, '--events', 'examples/aad_noninteractive_signins.ndjson', '--now', '2025-03-01T12:00:00Z', '--workers', '0'];
    const io = capture();
    expect(await main([...args, '--max-groups', '2'], io)).toBe(1);
    expect(io.stderr).toContain("detc run: the number of groups of a summarize exceeds the evaluator's limit of 2 (--max-groups N raises it");
    const ok = capture();
    expect(await main([...args, '--max-groups', '1000'], ok)).toBe(0);
    const bad = capture();
    expect(await main([...args, '--max-rows', '0'], bad)).toBe(2);
    expect(bad.stderr).toContain("--max-rows must be a whole number of at least 1, got '0'");
  });
});
