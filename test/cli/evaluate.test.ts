import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseEventsText } from '../../src/backends/js/events.js';
import { main } from '../../src/cli/main.js';
import { capture } from '../helpers.js';
import { expectFreshBuild } from './built-cli.js';


const RULE = 'rules/application_access_token_entra.yaml';

describe('detc test', () => {
  it('runs the rules\' tests and prints a pass/fail summary', async () => {
    const io = capture();
    expect(await main(['test', 'rules'], io)).toBe(0);
    expect(io.stdout).toContain('✓ token replay, enumeration and high-volume access alert, one alert per user and hour');
    expect(io.stdout).toMatch(/^\d+ passed, 0 failed$/m);
  });

  it('a failing expectation prints what differed and exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'detc-'));
    const rule = readFileSync(RULE, 'utf8').replace('TokenUseCount: 51', 'TokenUseCount: 52').replace('../examples/', `${process.cwd()}/examples/`);
    writeFileSync(join(dir, 'r.yaml'), rule);
    const io = capture();
    expect(await main(['test', join(dir, 'r.yaml')], io)).toBe(1);
    expect(io.stdout).toContain('✗ token replay');
    expect(io.stdout).toContain('missing row {"UserPrincipalName":"carol.diaz@contoso.com","TokenUseCount":52');
    expect(io.stdout).toContain('TokenUseCount: expected 52, got 51');
    expect(io.stdout).toMatch(/^1 passed, 1 failed$/m);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('detc run', () => {
  it('evaluates a rule on an NDJSON file and prints alerts as NDJSON', async () => {
    const io = capture();
    expect(await main(['run', RULE, '--events', 'examples/aad_noninteractive_signins.ndjson', '--now', '2025-03-01T12:00:00Z'], io)).toBe(0);
    const alerts = io.stdout.trim().split('\n').map((l) => JSON.parse(l) as { displayName: string });
    expect(alerts).toHaveLength(5);
    // Lines that cannot pass the rule's first filters are counted but not parsed.
    expect(io.stderr).toMatch(/read 151 events: \d+ kept, \d+ not parsed \(they cannot pass the rule's first filters\), 3 dropped \(3 outside the window \[2025-02-28T12:00:00Z, 2025-03-01T12:00:00Z\]: TimeGenerated 2025-02-26T10:00:00Z to 2025-02-26T10:02:00Z\); 5 result rows, 5 alert\(s\)/);
    const all = capture();
    expect(await main(['run', RULE, '--events', 'examples/aad_noninteractive_signins.ndjson', '--now', '2025-03-01T12:00:00Z', '--parse-all'], all)).toBe(0);
    expect(all.stderr).toContain('read 151 events: 148 kept, 3 dropped (3 outside the window [2025-02-28T12:00:00Z, 2025-03-01T12:00:00Z]: TimeGenerated 2025-02-26T10:00:00Z to 2025-02-26T10:02:00Z); 5 result rows, 5 alert(s)');
    expect(all.stdout).toBe(io.stdout);
  });

  it('reports malformed lines with their numbers and skips them; --strict stops', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'detc-'));
    const lines = readFileSync('examples/aad_noninteractive_signins.ndjson', 'utf8').split('\n');
    const file = join(dir, 'e.ndjson');
    writeFileSync(file, `\ufeff${[lines[0], '{not json', '42', ...lines.slice(1)].join('\r\n')}`);
    const io = capture();
    expect(await main(['run', RULE, '--events', file, '--now', '2025-03-01T12:00:00Z'], io)).toBe(0);
    expect(io.stderr).toContain(`${file}:2: skipped: invalid JSON`);
    expect(io.stderr).toContain(`${file}:3: skipped: not a JSON object`);
    expect(io.stderr).toMatch(/read 151 events: \d+ kept, \d+ not parsed[^)]*\), 3 dropped \([^)]*\); 2 bad lines skipped; 5 result rows, 5 alert\(s\)/);
    const strict = capture();
    expect(await main(['run', RULE, '--events', file, '--strict'], strict)).toBe(1);
    expect(strict.stderr).toContain(`${file}:2: invalid JSON`);
    rmSync(dir, { recursive: true, force: true });
  });

  it('reader threads, started before the rule is checked, never keep the process alive', () => {
    // Each command must end on its own (a thread left running would hang it until the timeout).
    expectFreshBuild();
    const detc = (...args: string[]) => spawnSync(process.execPath, ['bin/detc.js', 'run', ...args, '--workers', '2', '--now', '2025-03-01T12:00:00Z'], { encoding: 'utf8', timeout: 20_000 });
    const bad = mkdtempSync(join(tmpdir(), 'detc-'));
    writeFileSync(join(bad, 'r.yaml'), readFileSync(RULE, 'utf8').replace('| where ResultType == 0', '| where ResultTyp == 0'));
    const ruleError = detc(join(bad, 'r.yaml'), '--events', 'examples/aad_noninteractive_signins.ndjson');
    expect([ruleError.status, ruleError.stderr]).toEqual([1, expect.stringContaining("unknown column 'ResultTyp'")]);
    const missingFile = detc(RULE, '--events', join(bad, 'none.ndjson'));
    expect([missingFile.status, missingFile.stderr]).toEqual([2, expect.stringContaining('cannot read the events file')]);
    // A file smaller than one segment is read on the main thread; the threads are stopped unused.
    const small = detc(RULE, '--events', 'examples/aad_noninteractive_signins.ndjson');
    expect([small.status, small.stdout.trim().split('\n').length]).toEqual([0, 5]);
    rmSync(bad, { recursive: true, force: true });
  });

  it('reads a JSON array too', () => {
    expect(parseEventsText('[{"a":1},{"a":2}, 3]')).toEqual({ events: [{ a: 1 }, { a: 2 }], bad: [{ line: 1, message: 'element 2 of the JSON array is not a JSON object' }] });
  });
});

describe('detc build --target js', () => {
  it('writes a standalone module per rule that a test suite can import and run', async () => {
    const out = join(process.cwd(), 'dist-test-js');
    const io = capture();
    expect(await main(['build', 'rules', '--target', 'js', '--out', out], io)).toBe(0);
    const mod = (await import(pathToFileURL(join(out, 'js', 'application_access_token_entra.mjs')).href)) as {
      default: { run(events: unknown[], o: { now: string }): { alerts: unknown[] } };
    };
    const events = parseEventsText(readFileSync('examples/aad_noninteractive_signins.ndjson', 'utf8')).events;
    expect(mod.default.run(events, { now: '2025-03-01T12:00:00Z' }).alerts).toHaveLength(5);
    rmSync(out, { recursive: true, force: true });
  });
});
