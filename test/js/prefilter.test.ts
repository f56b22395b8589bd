import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileQuery } from '../../src/backends/js/compile.js';
import { describeRawTextFilter, rawTextFilter } from '../../src/backends/js/prefilter.js';
import { checkRuleFile } from '../../src/compile.js';
import { bind, NOW } from './helpers.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 150);

describe('raw-text prefilter: what the leading clauses require', () => {
  it('takes the seed 002 rule through its extends, has_any lists and in~ lists', () => {
    const r = checkRuleFile('rules/application_access_token_entra.yaml');
    const req = describeRawTextFilter(r.ir!);
    expect(req[0]).toEqual(['AuthenticationRequirement: singleFactorAuthentication']);
    expect(req[1]).toEqual(['ConditionalAccessStatus: notApplied', 'ConditionalAccessStatus: disabled', 'ConditionalAccessStatus: notEnabled']);
    // `where HasSuspiciousAgent or AccessedSensitiveResource`, both defined by the extend before it.
    expect(req[2]).toContain('UserAgent: curl/');
    expect(req[2]).toContain('ResourceDisplayName: Microsoft Graph');
    expect(req).toHaveLength(3); // `ResultType == 0` (a number) and `!in~` give nothing
  });

  it('gives nothing for negations, numbers, empty needles, quotes, or columns an extend replaced', () => {
    for (const q of [
      'T | where s !has "curl"',
      'T | where not(s has "curl")',
      'T | where s == ""',
      'T | where s has "a\\"b"',
      'T | where s has "\\u00e9"',
      'T | where s has "curl" or n > 3',
      'T | extend s = s2 | where s has "curl"',
      'T | summarize count() by s | where s has "curl"',
      'T | where s in ("a", 1)',
    ]) expect(describeRawTextFilter(bind(q)), q).toEqual([]);
    expect(describeRawTextFilter(bind('T | where s has_cs "X" and s2 in ("a", "b")'))).toEqual([['s: X (cs)'], ['s2: a (cs)', 's2: b (cs)']]);
    expect(describeRawTextFilter(bind('T | where s has_all ("a", "b")'))).toEqual([['s: a'], ['s: b']]);
  });

  it('is not offered when something else reads the same events', () => {
    expect(compileQuery(bind('T | where s has "x" | join kind=inner (T | where s2 == "a") on s')).rawTextFilter).toBeUndefined();
    expect(compileQuery(bind('T | where s has "x"')).rawTextFilter).toBeDefined();
  });
});

// Values built to trip a text-level filter: case folds beyond ASCII (K Kelvin sign, ſ long s,
// İ), escaped slashes, quotes and backslashes, non-string values and nested look-alike keys.
const tricky = fc.constantFrom(
  'curl/8.4', 'CURL/7', 'libcurl/8', '\u212aey', 'key', 'ſtuff', 'STUFF', 'İd', 'id', 'a"curl"b', 'back\\slash',
  'x curl', 'Mozilla/5.0', '', 'notApplied', 'NOTAPPLIED', 'notapplied ', 'svc', 'a/b',
);
const value = fc.oneof(tricky, tricky, fc.integer({ min: -3, max: 3 }), fc.constant(null), fc.constant(true), fc.constant({ s: 'curl/1' }), fc.constant(['curl/']));
const event = fc.record(
  {
    s: value,
    s2: value,
    n: fc.integer({ min: 0, max: 5 }),
    TimeGenerated: fc.constant(new Date(NOW - 60_000).toISOString()),
    d: fc.oneof(fc.constant({ s: 'curl/9' }), fc.constant({ s2: 'notApplied' }), fc.constant(null)),
  },
  { requiredKeys: ['n', 'TimeGenerated'] },
);
/** Ways to write one event as a JSON line: plain, spaced, `\/`, every letter as \u escape, a duplicate key, look-alike keys. */
const spellings = [
  (e: object) => JSON.stringify(e),
  (e: object) => JSON.stringify(e, null, 1).replace(/\n/g, ' '),
  (e: object) => JSON.stringify(e).replace(/\//g, '\\/'),
  (e: object) => JSON.stringify(e).replace(/"(?:[^"\\]|\\.)*"/g, (str) => str.replace(/[a-zA-Z](?<!\\[a-z])/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)),
  (e: object) => `{"s":"curl/0",${JSON.stringify(e).slice(1)}`,
  // Keys that end or start with a column's name, holding needles: they must not count as it.
  (e: object) => `{"xs":"curl/0 key stuff","s2x":"notApplied",${JSON.stringify(e).slice(1)}`,
];

describe('raw-text prefilter: never skips an event the query would use', () => {
  const queries = [
    'T | where s has "curl"',
    'T | where s contains "KEY" or s2 startswith "stu"',
    'T | where s =~ "id" or s in~ ("stuff", "notapplied")',
    'T | where s has_cs "curl" and s2 hasprefix "no"',
    'T | extend A = s has_any ("curl/", "a/b", "svc") | where A | project s, s2',
    'T | where s endswith "key" | summarize count() by s2',
    'T | where s2 == "notApplied" | count',
  ];
  for (const q of queries) {
    it(q, () => {
      const compiled = compileQuery(bind(q));
      const filter = compiled.rawTextFilter!;
      expect(filter).toBeDefined();
      fc.assert(
        fc.property(fc.array(event, { maxLength: 25 }), fc.nat(spellings.length - 1), (events, how) => {
          const lines = events.map(spellings[how]!);
          const all = compiled.run(lines.map((l) => JSON.parse(l)), { now: NOW });
          const kept = compiled.run(lines.filter((l) => filter(l)).map((l) => JSON.parse(l)), { now: NOW });
          expect(kept).toEqual(all);
        }),
        { numRuns: RUNS },
      );
    });
  }

  it('answers the same for a value however often it recurs: remembered, long (scanned in place), or past the memory', () => {
    // A has_any list of four or more needles is remembered per value; fewer are scanned in place.
    const filter = compileQuery(bind('T | where s has_any ("curl", "wget", "httpie", "aria2")')).rawTextFilter!;
    // 10,000 distinct values outgrow the remembered answers twice (4,096 each); then scanning goes on directly.
    const values = Array.from({ length: 10_000 }, (_, i) => (i % 7 === 0 ? `CURL/${i} agent` : `agent ${i} cur l/${i}`));
    values.push(`${'x'.repeat(300)} curl`, `curl ${'x'.repeat(300)}`, 'x'.repeat(300), `${'y'.repeat(300)}"curl`);
    for (let pass = 0; pass < 3; pass++) {
      for (const v of values) expect([v, filter(JSON.stringify({ s: v, s2: 'z' }))]).toEqual([v, /curl/i.test(v)]);
    }
  });

  it('skips most lines of realistic sign-ins for the seed 002 rule, with identical results', () => {
    const r = checkRuleFile('rules/application_access_token_entra.yaml');
    const compiled = compileQuery(r.ir!);
    const lines = ['singleFactorAuthentication', 'multiFactorAuthentication'].flatMap((auth) =>
      ['curl/8', 'Mozilla/5.0'].map((agent) =>
        JSON.stringify({ TimeGenerated: new Date(NOW - 1000).toISOString(), UserPrincipalName: 'u@x', ResultType: '0', AuthenticationRequirement: auth, ConditionalAccessStatus: 'notApplied', UserAgent: agent, ResourceDisplayName: 'Contoso', IPAddress: '1.2.3.4', AppDisplayName: 'a', LocationDetails: '{"countryOrRegion":"NL"}' }),
      ),
    );
    const passed = lines.filter((l) => compiled.rawTextFilter!(l));
    expect(passed).toEqual([lines[0]]); // single factor and curl: the only one that can match
  });
});
