import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileQuery, type CompiledQuery, type RunOptions } from '../../src/backends/js/compile.js';
import type { Value } from '../../src/semantics/values.js';
import { checkRuleFile } from '../../src/compile.js';
import { bind, NOW } from './helpers.js';
import { referenceRun } from './reference.js';

/** Random events for table T: small value pools so groups, duplicates and matches happen. */
const event = fc.record(
  {
    s: fc.constantFrom('curl/8.4.0', 'libcurl/7', 'Mozilla/5.0', 'python-requests/2.31', 'CURL', '', 'Rubyist x'),
    s2: fc.constantFrom('a', 'b', 'c', 'A'),
    n: fc.oneof(fc.integer({ min: -5, max: 20 }), fc.constant(null), fc.constantFrom('3', '0')),
    r: fc.oneof(fc.double({ min: -10, max: 10, noNaN: true }), fc.constant(null)),
    b: fc.oneof(fc.boolean(), fc.constant(null)),
    t: fc.integer({ min: 0, max: 48 * 60 }).map((m) => new Date(NOW - m * 60_000).toISOString()),
    TimeGenerated: fc.integer({ min: 0, max: 48 * 60 }).map((m) => new Date(NOW - m * 60_000).toISOString()),
    d: fc.oneof(fc.constant({ k: 'x', arr: [1, 2] }), fc.constant('{"k":"y"}'), fc.constant(null), fc.constant([3, 4])),
  },
  { requiredKeys: [] },
);

const QUERIES = [
  'T | where s has "curl" or n > 3',
  'T | where s has_any ("curl/", "python-requests") | extend x = n * 2, y = tostring(d.k) | project s, x, y',
  'T | summarize c = count(), dc = dcount(s2), mx = max(n), mn = min(t), ss = make_set(s2, 2) by s2, bin(t, 1h) | sort by c desc, s2 asc',
  'T | summarize countif(n > 2), sum(n), avg(r) by b',
  'T | extend k = iff(n > 5, "big", case(n > 0, "small", "none")) | summarize count() by k | sort by k asc',
  'T | where isnotempty(s) | project-rename agent = s | project-away r | take 50 | count',
  'T | top 3 by n asc nulls last | project n, s',
  'T | distinct s2, b',
  'T | where t > ago(1d) and n between (0 .. 10) | summarize arg_max(n, s) by s2',
  'let L = dynamic(["a", "b"]); T | where s2 in~ (L) and s2 !in ("c") | project s2, len = strlen(s)',
  'let X = T | where n > 0; X | summarize count() by s2',
  'T | where s2 in ((T | where n > 10 | project s2)) | count',
  'T | mv-expand d | project s2, d',
  'T | mv-expand with_itemindex=i kind=array d, e = d.arr to typeof(long) limit 3 | project s2, d, e, i',
  'T | extend a = split(s, "/") | mvexpand a | summarize count() by tostring(a)',
  ...['innerunique', 'inner', 'leftouter', 'rightouter', 'fullouter', 'leftsemi', 'leftanti', 'rightsemi', 'rightanti'].map(
    (kind) => `T | where n > 2 | project s2, n | join kind=${kind} (T | where b == true | project s2, r) on s2`,
  ),
  'T | project a = s2, n | join kind=inner (T | project b = s2, s) on $left.a == $right.b | summarize count() by a, s',
];

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
    fc.assert(
      fc.property(fc.array(event, { maxLength: 40 }), fc.boolean(), (events, windowed) => {
        const windowMs = windowed ? 86_400_000 : undefined;
        const want = referenceRun(ir, events, NOW, windowMs);
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
  });

  it('the seed 002 rule agrees on random sign-in events', () => {
    const r = checkRuleFile('rules/application_access_token_entra.yaml');
    const fast = compileQuery(r.ir!);
    const signin = fc.record({
      TimeGenerated: fc.integer({ min: 0, max: 30 * 60 }).map((m) => new Date(NOW - m * 60_000).toISOString()),
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
    fc.assert(
      fc.property(fc.array(signin, { maxLength: 80 }), (events) => {
        const got = fast.run(events, { now: NOW, windowMs: 86_400_000 }).rows;
        const want = referenceRun(r.ir!, events, NOW, 86_400_000);
        const sets = (rows: Record<string, unknown>[]) => rows.map((x) => Object.fromEntries(Object.entries(x).map(([k, v]) => [k, Array.isArray(v) ? [...v].sort() : v])));
        expect(sets(got).map((x) => x.TokenUseCount)).toEqual(sets(want).map((x) => x.TokenUseCount));
        expect(new Set(sets(got).map((x) => JSON.stringify(x)))).toEqual(new Set(sets(want).map((x) => JSON.stringify(x))));
      }),
      { numRuns: 100 },
    );
  });
});
