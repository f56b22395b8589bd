import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileQuery, type CompiledQuery, type RunOptions } from '../../src/backends/js/compile.js';
import type { Value } from '../../src/semantics/values.js';
import { checkRuleFile } from '../../src/compile.js';
import { bind, NOW } from './helpers.js';
import { referenceRun } from './reference.js';
import { event, QUERIES } from './query-cases.js';

/**
 * A streaming run as the parallel NDJSON reader makes it (ndjson-parallel.ts): events that fail
 * eventFilter are dropped before the session sees them, or, where the query streams into a
 * summarize, the session replays the values of summarizeInputs.
 */
function viaReader(query: CompiledQuery, events: unknown[], options: RunOptions, path: 'filtered' | 'replayed'): Record<string, unknown>[] {
  const session = query.open(options);
  const inputs = query.summarizeInputs?.(options);
  if (path === 'replayed' && inputs && session.replay) {
    const values: Value[] = [];
    for (const e of events) inputs(e, values);
    session.replay(values);
  } else {
    const passes = query.eventFilter?.(options);
    for (const e of events) if (!passes || passes(e)) session.push(e);
  }
  return session.end().rows;
}

describe('fast evaluator vs reference interpreter (property)', () => {
  it.each(QUERIES)('%s', (query) => {
    const ir = bind(query);
    const generated = compileQuery(ir);
    const closures = compileQuery(ir, { mode: 'closures' });
    let runsWithRows = 0;
    fc.assert(
      fc.property(fc.array(event, { maxLength: 40 }), fc.boolean(), (events, windowed) => {
        const windowMs = windowed ? 86_400_000 : undefined;
        const want = referenceRun(ir, events, NOW, windowMs);
        if (want.length > 0) runsWithRows++;
        // Order is defined only after sort/top; compare as multisets otherwise.
        const ordered = /\b(sort|top)\b/.test(query);
        const norm = (rows: object[]) => (ordered ? rows : [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))));
        expect(norm(generated.run(events, { now: NOW, windowMs }).rows)).toEqual(norm(want));
        expect(norm(closures.run(events, { now: NOW, windowMs }).rows)).toEqual(norm(want));
        // What the parallel NDJSON reader does must give run()'s rows exactly, in order.
        const exact = generated.run(events, { now: NOW, windowMs }).rows;
        for (const path of ['filtered', 'replayed'] as const) expect(viaReader(generated, events, { now: NOW, windowMs }, path), path).toEqual(exact);
      }),
      { numRuns: 60 },
    );
    // A query that yields no rows on the random events would test nothing.
    expect(runsWithRows, 'runs with rows').toBeGreaterThan(5);
  });

  it('has on non-ASCII text: letters and digits of any script are term characters in both', () => {
    // "über" is a term of "Grüße über alles" but not of "Überall"; "東京" is not a whole term of
    // "東京タワー" (all letters). An ASCII-only term definition on either side disagrees here.
    const words = fc.record({ s: fc.constantFrom('Grüße über alles', 'Überall', 'x東京y', '東京 タワー', '東京タワー', 'café/2', 'cafés', 'naïve-ber', 'Ⅻber', '') });
    for (const query of ['T | where s has "über"', 'T | where s has "ber"', 'T | where s has_any ("東京", "caf", "Grüße")', 'T | where s has "café/"']) {
      const ir = bind(query);
      const compiled = compileQuery(ir);
      fc.assert(fc.property(fc.array(words, { maxLength: 12 }), (events) => {
        expect(compiled.run(events, { now: NOW }).rows).toEqual(referenceRun(ir, events, NOW));
      }), { numRuns: 40 });
    }
  });

  it('the seed 002 rule agrees on random sign-in events', () => {
    const r = checkRuleFile('rules/application_access_token_entra.yaml');
    const fast = compileQuery(r.ir!);
    const signin = fc.record({
      // Within 90 minutes of now: two users' events then share hour bins often enough to alert.
      TimeGenerated: fc.integer({ min: 0, max: 90 }).map((m) => new Date(NOW - m * 60_000).toISOString()),
      ResultType: fc.constantFrom('0', '50126'),
      AuthenticationRequirement: fc.constantFrom('singleFactorAuthentication', 'multiFactorAuthentication'),
      ConditionalAccessStatus: fc.constantFrom('notApplied', 'success', 'disabled'),
      UserAgent: fc.constantFrom('curl/8', 'Mozilla/5.0', 'okhttp/4', 'Rubyist'),
      ResourceDisplayName: fc.constantFrom('Microsoft Graph', 'Contoso App', 'Azure Key Vault', 'OneDrive', 'Microsoft Teams', 'SharePoint Online'),
      AppDisplayName: fc.constantFrom('App1', 'App2'),
      IPAddress: fc.constantFrom('10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4'),
      UserPrincipalName: fc.constantFrom('a@x.com', 'b@x.com'),
      LocationDetails: fc.constantFrom('{"countryOrRegion":"US"}', '{"countryOrRegion":"NL"}', ''),
    });
    let runsWithRows = 0;
    fc.assert(
      fc.property(fc.array(signin, { minLength: 10, maxLength: 80 }), (events) => {
        const got = fast.run(events, { now: NOW, windowMs: 86_400_000 }).rows;
        if (got.length > 0) runsWithRows++;
        const want = referenceRun(r.ir!, events, NOW, 86_400_000);
        const sets = (rows: Record<string, unknown>[]) => rows.map((x) => Object.fromEntries(Object.entries(x).map(([k, v]) => [k, Array.isArray(v) ? [...v].sort() : v])));
        expect(sets(got).map((x) => x.TokenUseCount)).toEqual(sets(want).map((x) => x.TokenUseCount));
        expect(new Set(sets(got).map((x) => JSON.stringify(x)))).toEqual(new Set(sets(want).map((x) => JSON.stringify(x))));
      }),
      { numRuns: 100 },
    );
    // The comparison means something only if the rule alerts in many runs (it never did when the
    // events were spread over 30 hours).
    expect(runsWithRows).toBeGreaterThan(30);
  });
});

describe('the reference semantics are its own, from the documentation', () => {
  it('the reference imports nothing from the catalog', async () => {
    const { readFileSync } = await import('node:fs');
    for (const file of ['reference.ts', 'reference-values.ts']) expect(readFileSync(new URL(file, import.meta.url), 'utf8')).not.toMatch(/^import .*catalog/m);
  });

  it('documented values: has terms, between ends, three-valued logic, in~, make_set order and limit', async () => {
    const { aggregateFunction, scalarFunction } = await import('./reference-values.js');
    const f = (fn: string, ...args: unknown[]) => scalarFunction(fn, [], NOW)(...args);
    // https://learn.microsoft.com/kusto/query/has-operator: whole terms, case-insensitive.
    expect([f('has', 'curl/8.4.0', 'CURL/'), f('has', 'libcurl/7', 'curl/'), f('has', 'North America', 'amer')]).toEqual([true, false, false]);
    // https://learn.microsoft.com/kusto/query/between-operator: both ends included.
    expect([f('between', 0, 0, 10), f('between', 10, 0, 10), f('between', 11, 0, 10), f('between', null, 0, 10)]).toEqual([true, true, false, null]);
    // https://learn.microsoft.com/kusto/query/logical-operators: false and null is false, true or null is true.
    expect([f('and', false, null), f('and', true, null), f('or', true, null), f('or', false, null)]).toEqual([false, null, true, null]);
    expect([f('in~', 'ABC', ['x', 'abc']), f('!in~', 'ABC', ['abc']), f('in', 'ABC', 'abc')]).toEqual([true, false, false]);
    expect(aggregateFunction('make_set', [undefined, 2])([['b'], [null], ['a'], ['b'], ['c']])).toEqual(['b', 'a']);
  });
});
