// `detc run` and rule tests never lose events without a word: every event read is kept or dropped
// with a reason, every file shape a user may have (NDJSON, JSON array, pretty-printed document,
// Azure Monitor's {"records": [...]}) is read, and an input with nothing usable is an error.
//
// Timestamps follow one rule (src/semantics/time.ts). Kusto's datetime is always UTC and its
// documented text forms are ISO 8601 (zone-less text read as UTC), besides RFC 822/850, with ISO
// 8601 recommended: https://learn.microsoft.com/azure/kusto/query/scalar-data-types/datetime
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEventsText } from '../../src/backends/js/events.js';
import { main } from '../../src/cli/main.js';
import { toMillis } from '../../src/runtime.js';
import { parseClock, readTimestamp } from '../../src/semantics/time.js';
import { capture, ruleYaml } from '../helpers.js';

const NOW = '2025-03-01T12:00:00Z';
const SAMPLE = 'examples/aad_noninteractive_signins.ndjson';
const SIGNIN_RULE = 'rules/application_access_token_entra.yaml';
let dir: string;
let rule: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'detc-input-'));
  // Every event in the window is a result row: the counts below are the events the rule saw.
  rule = join(dir, 'all.yaml');
  writeFileSync(rule, ruleYaml('AADNonInteractiveUserSignInLogs\n| project TimeGenerated, UserPrincipalName'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function run(...args: string[]) {
  const io = capture();
  const code = await main(['run', ...args], io);
  return { code, ...io };
}

describe('the timestamp rule', () => {
  it('reads ISO 8601 text (UTC without a zone, as Kusto does) and JSON numbers as milliseconds; nothing else', () => {
    // The evaluator's ticks (100 ns since 2020-01-01, semantics/ticks.ts) of a time in ms since 1970.
    const ticks = (ms: number) => (ms - Date.UTC(2020, 0, 1)) * 10_000;
    const utc = Date.UTC(2025, 2, 1, 12);
    expect(readTimestamp('2025-03-01T12:00:00Z')).toEqual({ ticks: ticks(utc) });
    // All seven fraction digits: Kusto keeps 100 ns ticks.
    expect(readTimestamp('2025-03-01T12:00:00.1234567Z')).toEqual({ ticks: ticks(utc) + 1_234_567 });
    expect(readTimestamp('2025-03-01T14:00:00+02:00')).toEqual({ ticks: ticks(utc) });
    expect(readTimestamp('2025-03-01 12:00:00')).toEqual({ ticks: ticks(utc) });
    expect(readTimestamp('2025-03-01T12:00')).toEqual({ ticks: ticks(utc) });
    expect(readTimestamp('2025-03-01')).toEqual({ ticks: ticks(Date.UTC(2025, 2, 1)) });
    expect(readTimestamp(utc)).toEqual({ ticks: ticks(utc) });
    expect(readTimestamp(12345)).toEqual({ ticks: ticks(12345) });
    // Date.parse reads "12345" as the year 12345 and "1740828600000" as nothing: neither is a date here.
    for (const v of ['1740828600000', '12345', '2025', 'garbage', 'Sat, 1 Mar 2025 12:00:00 GMT', '2025-02-30T00:00:00Z', true, {}]) {
      expect(readTimestamp(v), JSON.stringify(v)).toHaveProperty('problem');
    }
  });

  it('reads a clock without a zone as UTC whatever the machine\'s time zone', () => {
    const tz = process.env.TZ;
    process.env.TZ = 'America/New_York';
    try {
      expect(parseClock('2025-03-01T12:00:00')).toBe(Date.UTC(2025, 2, 1, 12));
      expect(parseClock('2025-03-01T12:00:00Z')).toBe(Date.UTC(2025, 2, 1, 12));
      expect(parseClock('yesterday')).toBeUndefined();
      // The runtime that built modules load reads its `now` by the same rule.
      expect(toMillis('2025-03-01T12:00:00')).toBe(Date.UTC(2025, 2, 1, 12));
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
  });
});

describe('detc run: events dropped by the window are counted, with reasons', () => {
  const event = (time: unknown, key = 'TimeGenerated') => JSON.stringify({ [key]: time, UserPrincipalName: 'u@contoso.com' });
  const lines = [
    event('2025-03-01T11:00:00Z'), // 1 kept
    JSON.stringify({ UserPrincipalName: 'no time' }), // 2 missing
    event(null), // 3 null
    event('garbage'), // 4 not a date
    event('1740828600000'), // 5 digits in a string
    event(12345), // 6 a number: 1970, outside the window
    event('2025-03-01T11:30:00Z', 'timeGenerated'), // 7 another key case
    event(1740828600000), // 8 epoch ms: 11:30Z, kept
    event('2025-03-01T11:45:00'), // 9 no zone: UTC, kept
  ];

  it('says on stderr which events were dropped and why, and sums them up', async () => {
    const r = await run(rule, '--events', file('times.ndjson', lines.join('\n')), '--now', NOW, '--parse-all');
    expect(r.code).toBe(0);
    const path = join(dir, 'times.ndjson');
    expect(r.stderr).toContain(`${path}:2: dropped: TimeGenerated is missing\n`);
    expect(r.stderr).toContain(`${path}:3: dropped: TimeGenerated is null\n`);
    expect(r.stderr).toContain(`${path}:4: dropped: TimeGenerated "garbage" is not ISO 8601 text`);
    expect(r.stderr).toContain(`${path}:5: dropped: TimeGenerated "1740828600000" is a string of digits`);
    expect(r.stderr).toContain(`${path}:7: dropped: TimeGenerated is missing (there is "timeGenerated": column names are case-sensitive)`);
    expect(r.stderr).toContain(
      'read 9 events: 3 kept, 6 dropped (3 TimeGenerated missing or null, 2 TimeGenerated not a date, 1 outside the window [2025-03-01T11:00:00Z, 2025-03-01T12:00:00Z]: TimeGenerated 1970-01-01T00:00:12.3450000Z); 3 result rows',
    );
  });

  it('gives the same counts in --format json, and stops at the first dropped event with --strict', async () => {
    const path = file('times.ndjson', lines.join('\n'));
    const json = await run(rule, '--events', path, '--now', NOW, '--format', 'json');
    const input = (JSON.parse(json.stdout) as { input: Record<string, unknown> }).input;
    expect(input).toMatchObject({ read: 9, kept: 3, dropped: { missing: 3, notADate: 2, outsideWindow: 1, total: 6 }, badLines: 0 });
    expect((input.problems as { line: number }[]).map((p) => p.line)).toEqual([2, 3, 4, 5, 7]);
    const strict = await run(rule, '--events', path, '--now', NOW, '--strict');
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain(`${path}:2: dropped: TimeGenerated is missing`);
  });

  it('reads --now without a zone as UTC, not as the machine\'s time', async () => {
    const tz = process.env.TZ;
    process.env.TZ = 'Asia/Tokyo';
    try {
      const r = await run(rule, '--events', file('times.ndjson', lines.join('\n')), '--now', '2025-03-01T12:00:00');
      expect(r.stderr).toContain('outside the window [2025-03-01T11:00:00Z, 2025-03-01T12:00:00Z]');
      expect(r.stderr).toContain('3 kept');
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
    const bad = await run(rule, '--events', file('times.ndjson', lines.join('\n')), '--now', '1740828600000');
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining("--now must be an ISO 8601 date such as 2025-03-01T12:00:00Z (read as UTC when it has no zone), got '1740828600000'")]);
  });

  it('is an error, not 0 alerts, when no event could be used', async () => {
    const noTime = file('no-time.ndjson', `${JSON.stringify({ UserPrincipalName: 'a' })}\n${JSON.stringify({ UserPrincipalName: 'b' })}\n`);
    const r = await run(rule, '--events', noTime, '--now', NOW);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`detc run: no usable events in ${noTime}: read 2 events: 0 kept, 2 dropped (2 TimeGenerated missing or null)`);
    expect(r.stdout).toBe('');
    const json = await run(rule, '--events', noTime, '--now', NOW, '--format', 'json');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ error: expect.stringContaining('no usable events'), input: { read: 2, kept: 0, dropped: { missing: 2 } } });
    // Without --now there is no window: the same events are all evaluated.
    expect((await run(rule, '--events', noTime)).code).toBe(0);
    const garbage = file('garbage.txt', 'this is not json\nnor is this\n');
    const g = await run(rule, '--events', garbage);
    expect(g.code).toBe(1);
    expect(g.stderr).toContain('no usable events');
    expect(g.stderr).toContain('2 bad lines skipped');
  });
});

describe('detc run reads every JSON shape of events', () => {
  const sample = readFileSync(SAMPLE, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as object);
  const alertsOf = (stdout: string) => stdout.trim().split('\n').filter(Boolean).length;

  it('NDJSON, an array, a pretty-printed array or records wrapper, with blank lines and a BOM first, give the same alerts', async () => {
    const ndjson = await run(SIGNIN_RULE, '--events', SAMPLE, '--now', NOW);
    expect(alertsOf(ndjson.stdout)).toBe(5);
    const shapes = {
      'array.json': `\n  ${JSON.stringify(sample)}`,
      'pretty-array.json': `\ufeff\n\n${JSON.stringify(sample, null, 2)}\n`,
      'records.json': JSON.stringify({ records: sample }),
      'pretty-records.json': `\ufeff  ${JSON.stringify({ records: sample }, null, 4)}`,
      'records-lines.ndjson': `${JSON.stringify({ records: sample.slice(0, 70) })}\n${JSON.stringify({ records: sample.slice(70) })}\n`,
    };
    for (const [name, text] of Object.entries(shapes)) {
      const r = await run(SIGNIN_RULE, '--events', file(name, text), '--now', NOW, '--parse-all');
      expect([name, r.code, r.stdout]).toEqual([name, 0, ndjson.stdout]);
      expect(r.stderr, name).toContain(`read ${sample.length} events`);
    }
  });

  it('a pretty-printed single event is one event; a broken document is an error with its line and column', async () => {
    const one = file('one.json', `${JSON.stringify({ ...sample[0], TimeGenerated: '2025-03-01T11:00:00Z' }, null, 2)}\n`);
    const r = await run(rule, '--events', one, '--now', NOW);
    expect([r.code, r.stderr]).toEqual([0, expect.stringContaining('read 1 event: 1 kept, 0 dropped; 1 result rows')]);
    const broken = file('broken.json', '{\n  "TimeGenerated": "2025-03-01T11:00:00Z",\n  "UserPrincipalName": "a",\n}\n');
    const b = await run(rule, '--events', broken, '--now', NOW);
    expect(b.code).toBe(1);
    expect(b.stderr).toContain(`${broken}:4: skipped: invalid JSON document: Expected double-quoted property name at line 4, column 1`);
  });

  it('parseEventsText opens records wrappers and documents as the CLI does', () => {
    expect(parseEventsText('{"records": [{"a": 1}, 2, {"a": 3}]}')).toEqual({ events: [{ a: 1 }, { a: 3 }], bad: [{ line: 1, message: 'element 1 of "records" is not a JSON object' }] });
    expect(parseEventsText('\n\n{\n  "a": 1\n}\n')).toEqual({ events: [{ a: 1 }], bad: [] });
    // Pretty-printed documents one after another, as `jq .` prints an NDJSON file.
    expect(parseEventsText('{\n  "a": 1\n}\n{\n  "b": [2,\n 3]\n}\n\n{\n  "c": \n}\n')).toEqual({
      events: [{ a: 1 }, { b: [2, 3] }],
      bad: [{ line: 11, message: "invalid JSON document: Unexpected token '}' at line 11, column 1" }],
    });
    expect(parseEventsText('[\n  {"a": 1},\n  {"a": 2},,\n]').bad).toEqual([{ line: 3, message: "invalid JSON document: Unexpected token ',' at line 3, column 12" }]);
    // NDJSON whose first line was cut off after a comma is still NDJSON: its other lines are read.
    expect(parseEventsText('{"a": 1,\n{"b": 2}\n{"c": 3}\n')).toEqual({ events: [{ b: 2 }, { c: 3 }], bad: [{ line: 1, message: expect.stringContaining('invalid JSON') }] });
    // An event that merely has a records field among others is an event.
    expect(parseEventsText('{"records": [1], "b": 2}').events).toEqual([{ records: [1], b: 2 }]);
  });

  it('warns of lines that are not valid UTF-8, by number, and still reads them', async () => {
    const good = (name: string) => Buffer.from(`${JSON.stringify({ TimeGenerated: '2025-03-01T11:00:00Z', UserPrincipalName: name })}\n`);
    const bytes = Buffer.concat([good('a'), Buffer.from('{"TimeGenerated":"2025-03-01T11:00:00Z","UserPrincipalName":"b\xff"}\n', 'latin1'), good('é')]);
    const path = file('latin1.ndjson', bytes);
    const r = await run(rule, '--events', path, '--now', NOW);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`${path}:2: warning: not valid UTF-8: its bad bytes were read as U+FFFD\n`);
    expect(r.stderr).toContain('read 3 events: 3 kept, 0 dropped; 1 line not valid UTF-8; 3 result rows');
  });
});

describe('detc test: events a rule test cannot place in its window break the test', () => {
  it('a records file whose events lack TimeGenerated is an error, not a passing "0 alerts" test', async () => {
    writeFileSync(join(dir, 'export.json'), JSON.stringify({ records: [{ timeGenerated: '2025-03-01T11:00:00Z', UserPrincipalName: 'a' }, { TimeGenerated: 'garbage', UserPrincipalName: 'b' }] }));
    const tested = join(dir, 'tested.yaml');
    writeFileSync(tested, ruleYaml('AADNonInteractiveUserSignInLogs\n| project TimeGenerated, UserPrincipalName', 'tests:\n  - name: nothing fires\n    now: 2025-03-01T12:00:00\n    events: export.json\n    expect:\n      alerts: 0\n'));
    const io = capture();
    expect(await main(['test', tested], io)).toBe(1);
    expect(io.stderr).toContain('export.json:1 (element 0): TimeGenerated is missing (there is "timeGenerated": column names are case-sensitive)');
    expect(io.stderr).toContain('export.json:1 (element 1): TimeGenerated "garbage" is not ISO 8601 text');
  });
});

describe('detc run: input with nothing to evaluate', () => {
  it('an empty events file is an error (exit 1), never "0 alerts"', async () => {
    const io = capture();
    expect(await main(['run', SIGNIN_RULE, '--events', file('empty.ndjson', ''), '--now', NOW], io)).toBe(1);
    expect(io.stderr).toContain('no usable events');
    expect(io.stderr).toContain('read 0 events');
  });

  it('a file whose every line the prefilter skipped says so and how to check each line', async () => {
    // Raw CloudTrail records: other column names, so no line can pass the rule's first filters.
    const raw = file('raw.ndjson', '{"eventName":"GetFederationToken"}\n{"eventName":"AssumeRole"}\n');
    const io = capture();
    expect(await main(['run', 'rules/federation_token_aws.yaml', '--events', raw, '--now', NOW], io)).toBe(0);
    expect(io.stderr).toContain("no event could pass the rule's first filters, so none was parsed; --parse-all parses and checks every line");
    const quiet = capture();
    expect(await main(['run', SIGNIN_RULE, '--events', SAMPLE, '--now', NOW], quiet)).toBe(0);
    expect(quiet.stderr).not.toContain('none was parsed');
  });
});
