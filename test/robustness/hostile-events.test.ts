import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileQuery } from '../../src/backends/js/compile.js';
import { parseEventsText } from '../../src/backends/js/events.js';
import { main } from '../../src/cli/main.js';
import { checkRuleFile } from '../../src/compile.js';
import { capture, ruleYaml } from '../helpers.js';
import { rows } from '../js/helpers.js';

const NOW = Date.parse('2025-03-01T12:00:00Z');
const rules = ['rules/application_access_token_entra.yaml', 'rules/cloud_app_integration_entra_audit.yaml', 'rules/service_account_token_k8s.yaml', 'rules/federation_token_aws.yaml']
  .map((f) => checkRuleFile(f))
  .map((r) => ({ r, q: compileQuery(r.ir!) }));
const COLUMNS = ['TimeGenerated', 'UserPrincipalName', 'ResultType', 'UserAgent', 'ResourceDisplayName', 'LocationDetails', 'IPAddress', 'OperationName', 'Result', 'InitiatedBy', 'TargetResources', 'User', 'ObjectRef', 'Verb', 'ResponseStatus', 'SourceIps', 'EventName', 'UserIdentityType', 'SessionIssuerArn', 'AuthenticationRequirement', 'ConditionalAccessStatus', '__proto__', 'constructor'];

describe('hostile events', () => {
  it('wrong types in every column never crash any rule, and never pollute prototypes', () => {
    const anyValue = fc.oneof(fc.anything({ maxDepth: 3 }), fc.constantFrom('{"a":', '[', '2025-13-45T99:99:99Z', 'NaN', '', '__proto__'), fc.double());
    fc.assert(
      fc.property(fc.array(fc.dictionary(fc.constantFrom(...COLUMNS), anyValue), { maxLength: 20 }), (events) => {
        for (const { q } of rules) expect(() => q.run(events, { now: NOW, windowMs: 86_400_000 })).not.toThrow();
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'a')).toBe(false);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 200) },
    );
  });

  it('deeply nested values are refused at the reader, and survive in memory', () => {
    const deep = `{"d":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    const parsed = parseEventsText(`{"a":1}\n${deep}\n{"b":2}`);
    expect(parsed.events).toHaveLength(2);
    expect(parsed.bad).toEqual([{ line: 2, message: 'nested deeper than 100 levels' }]);
    let v: unknown = [];
    for (let i = 0; i < 20000; i++) v = [v];
    expect(rows('T | extend x = tostring(d) | summarize count() by x', [{ d: v }])).toEqual([{ x: '', count_: 1 }]);
  });

  it('huge strings are fine', () => {
    const ua = `${'a'.repeat(5_000_000)} curl/8`;
    expect(rows('T | where s has "curl/" and s matches regex "a+ curl" | count', [{ s: ua }])).toEqual([{ Count: 1 }]);
  });

  it('invalid lines, BOMs and CRLF: good lines kept, bad ones reported by number', () => {
    const text = '\ufeff{"a":1}\r\n{broken\r\n\r\n[1,2]\r\n"str"\r\n{"b":2}\r\n';
    const parsed = parseEventsText(text);
    expect(parsed.events).toEqual([{ a: 1 }, { b: 2 }]);
    expect(parsed.bad.map((b) => b.line)).toEqual([2, 4, 5]);
  });

  it('__proto__ inside JSON text stays data through parse_json', () => {
    const out = rows('T | extend p = parse_json(s) | project v = tostring(p["__proto__"].x), k = tostring(p.constructor)', [{ s: '{"__proto__":{"x":"own"}}' }]);
    expect(out).toEqual([{ v: 'own', k: '' }]);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe('hostile event text on a terminal (detc run)', () => {
  it('escapes control characters from events in table output and in warnings, so nothing is cleared, retitled or forged', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'detc-tty-'));
    try {
      const rule = join(dir, 'r.yaml');
      writeFileSync(rule, ruleYaml('AADNonInteractiveUserSignInLogs\n| project TimeGenerated, UserPrincipalName'));
      const hostile = 'x\u001b[2J\u001b]0;owned\u0007\r\nalert 99: forged [High]\u202e';
      const events = join(dir, 'e.ndjson');
      writeFileSync(
        events,
        [
          JSON.stringify({ TimeGenerated: '2025-03-01T11:00:00Z', UserPrincipalName: hostile }),
          // A raw ESC inside a JSON string is invalid JSON; the parser's message quotes the line.
          `{"TimeGenerated": "2025-03-01T11:00:00Z", "UserPrincipalName": "\u001b[2J"}`,
          JSON.stringify({ TimeGenerated: hostile, UserPrincipalName: 'y' }),
        ].join('\n'),
      );
      const io = capture();
      expect(await main(['run', rule, '--events', events, '--now', '2025-03-01T12:00:00Z', '--format', 'table'], io)).toBe(0);
      const all = io.stdout + io.stderr;
      expect(all).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
      expect(io.stdout.split('\n').filter((l) => l.startsWith('alert '))).toEqual(['alert 1: test rule [Medium]']);
      expect(io.stdout).toContain('  x\\x1b[2J\\x1b]0;owned\\x07\\r\\nalert 99: f…'); // cut at 40 characters
      expect(io.stderr).toContain(':2: skipped: invalid JSON');
      expect(io.stderr).toContain(':3: dropped: TimeGenerated "x\\u001b[2J');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('every shape of an events file reads to the same events', () => {
  it('NDJSON, arrays, records wrappers, pretty-printed documents and jq streams, with BOMs, blank lines and CRLF', () => {
    const eventArb = fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 });
    fc.assert(
      fc.property(fc.array(eventArb, { minLength: 1, maxLength: 8 }), fc.boolean(), fc.boolean(), (events, bom, crlf) => {
        // JSON turns -0 into 0; compare with what JSON keeps.
        const expected = JSON.parse(JSON.stringify(events)) as unknown[];
        const shapes = [
          events.map((e) => JSON.stringify(e)).join('\n'),
          JSON.stringify(events),
          JSON.stringify(events, null, 2),
          JSON.stringify({ records: events }),
          JSON.stringify({ records: events }, null, 2),
          events.map((e) => JSON.stringify(e, null, 2)).join('\n'),
        ];
        for (const shape of shapes) {
          const text = `${bom ? '\ufeff' : ''}\n ${crlf ? shape.replace(/\n/g, '\r\n') : shape}\n`;
          const parsed = parseEventsText(text);
          // An event that is itself a records wrapper is opened like one: compare what it holds.
          if (expected.some((e) => Object.keys(e as object).join() === 'records')) continue;
          expect(parsed, shape).toEqual({ events: expected, bad: [] });
        }
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 200) },
    );
  });
});
