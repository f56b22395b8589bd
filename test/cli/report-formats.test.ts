import { afterEach, describe, expect, it, vi } from 'vitest';
import { streamsIO } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { progress } from '../../src/cli/progress.js';
import { capture } from '../helpers.js';
import { ruleFolder } from './rule-folder.js';
import { sarifValidator } from './sarif-schema.js';

interface Sarif {
  runs: { results: { ruleId: string; level: string; message: { text: string }; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[];
}

describe('stdout holds the result, stderr the diagnostics', () => {
  it('check as text: the summary alone on stdout, the diagnostic with its code frame on stderr', async () => {
    const { broken } = ruleFolder();
    const io = capture();
    expect(await main(['check', '--no-config', '--no-kusto', '--target', 'kql', broken], io)).toBe(1);
    expect(io.stdout).toBe('checked 1 rule: 0 ok, 1 with errors (1 error, 0 warnings)\n');
    expect(io.stderr).toMatch(/broken\.yaml:\d+:\d+: error DTC3\d{3}: .*NoSuchColumn/);
  });

  it('test as text: a line per test and the totals on stdout; the broken rule\'s error on stderr only', async () => {
    const { dir } = ruleFolder();
    const io = capture();
    expect(await main(['test', '--no-config', dir], io)).toBe(1);
    expect(io.stdout).toContain('  ✓ bob alerts\n  ✗ expects <none> & "quiet" \\x01 here\n      expected 0 alert(s), got 1');
    expect(io.stdout).toContain('1 passed, 1 failed (1 rule file(s) with errors)');
    expect(io.stdout).not.toContain('NoSuchColumn');
    expect(io.stderr).toContain('NoSuchColumn');
  });
});

describe('--format sarif and junit for both check and test', () => {
  const validate = sarifValidator();

  it('test --format sarif: a valid SARIF 2.1.0 log with the failed test at its place in the rule file, and the broken rule\'s error', async () => {
    const { dir } = ruleFolder();
    const io = capture();
    expect(await main(['test', '--no-config', '--format', 'sarif', dir], io)).toBe(1);
    const log = JSON.parse(io.stdout) as Sarif;
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    const results = log.runs[0]!.results;
    const failed = results.find((r) => r.ruleId === 'DTC6001')!;
    expect(failed.level).toBe('error');
    expect(failed.message.text).toBe('test \'expects <none> & "quiet" \u0001 here\' failed: expected 0 alert(s), got 1');
    expect(failed.locations[0]!.physicalLocation.artifactLocation.uri).toMatch(/bob\.yaml$/);
    // ruleYaml's header is lines 1-8 and its query line 9: tests: is line 10, the second test line 15.
    expect(failed.locations[0]!.physicalLocation.region.startLine).toBe(15);
    expect(results.some((r) => r.ruleId.startsWith('DTC3') && r.message.text.includes('NoSuchColumn'))).toBe(true);
    expect(results.filter((r) => r.ruleId === 'DTC6001')).toHaveLength(1); // the passing test is no result
    expect(io.stderr).toContain('1 passed, 1 failed');
  });

  it('check --format junit: a test case per rule file, failed by its errors, on stdout alone', async () => {
    const { good, broken } = ruleFolder();
    const io = capture();
    expect(await main(['check', '--no-config', '--no-kusto', '--target', 'kql', '--format', 'junit', good, broken], io)).toBe(1);
    const xml = io.stdout;
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="detc check" tests="2" failures="1" errors="0">')).toBe(true);
    expect(xml).toContain(`<testcase name="check" classname="${good}"/>`);
    expect(xml).toMatch(new RegExp(`<testcase name="check" classname="${broken}">\\n      <failure message="[^"]*broken\\.yaml:\\d+:\\d+: error DTC3\\d{3}: [^"]*NoSuchColumn`));
    expect(io.stderr).toContain('checked 2 rules: 1 ok, 1 with errors');
  });

  it('build offers text and json only', async () => {
    const io = capture();
    expect(await main(['build', '--format', 'sarif'], io)).toBe(2);
    expect(io.stderr).toContain("--format must be text or json, got 'sarif'");
  });
});

describe('progress', () => {
  /** A CLI sink whose stderr is (or is not) a terminal, recording the status lines. */
  const tty = (errIsTTY: boolean) => {
    const statuses: string[] = [];
    // capture() writes into the object it returns: extended in place, not copied.
    return { io: Object.assign(capture(), { errIsTTY, status: (t: string) => void statuses.push(t) }), statuses };
  };

  it('on a terminal: percent, count and rate, at most every 200 ms, cleared at the end', () => {
    const { io, statuses } = tty(true);
    let now = 0;
    const meter = progress(io, 50, 'rules', () => now);
    now = 100;
    meter.update(10); // too soon: nothing
    now = 1000;
    meter.update(20);
    now = 2000;
    meter.update(50);
    meter.end();
    expect(statuses).toEqual(['40% (20/50 rules, 20.0 rules/s)', '100% (50/50 rules, 25.0 rules/s)', '']);
    const bytes = tty(true);
    now = 0;
    const read = progress(bytes.io, 30e6, 'bytes', () => now);
    now = 2000;
    read.update(12.5e6);
    expect(bytes.statuses).toEqual(['41% (12.5 MB of 30.0 MB, 6.3 MB/s)']);
  });

  it('quiet when stderr is not a terminal, and a quick run prints no status at all', () => {
    const piped = tty(false);
    const meter = progress(piped.io, 5, 'rules', () => 10_000);
    meter.update(5);
    meter.end();
    expect(piped.statuses).toEqual([]);
    const quick = tty(true);
    const q = progress(quick.io, 5, 'rules', () => 0);
    q.update(5);
    q.end();
    expect(quick.statuses).toEqual([]);
  });

  /** Every call of Date.now a second later: each update is shown. */
  const secondPerCall = () => {
    let calls = 0;
    vi.spyOn(Date, 'now').mockImplementation(() => calls++ * 1000);
  };
  afterEach(() => void vi.restoreAllMocks());

  it('check shows it on a terminal stderr and keeps stdout clean', async () => {
    const { io, statuses } = tty(true);
    secondPerCall();
    expect(await main(['check', '--no-config', '--no-kusto', '--target', 'js', 'rules'], io)).toBe(0);
    expect(statuses.at(-1)).toBe('');
    expect(statuses.some((s) => /^100% \(6\/6 rules, [\d.]+ rules\/s\)$/.test(s))).toBe(true);
    expect(io.stdout, io.stderr).toBe('checked 6 rules: 6 ok, 0 with errors (0 errors, 0 warnings)\n');
  });

  it('run shows how much of the events file is read, with percent and rate, and keeps its alerts on stdout', async () => {
    const { io, statuses } = tty(true);
    secondPerCall();
    const args = ['run', '--no-config', 'rules/cloud_app_integration_entra_audit.yaml', '--events', 'examples/entra_audit_app_consent.ndjson', '--now', '2025-03-01T12:00:00Z', '--format', 'ndjson'];
    expect(await main(args, io), io.stderr).toBe(0);
    expect(statuses.at(-1)).toBe('');
    expect(statuses.some((s) => /^100% \(\d+ KB of \d+ KB, \d+ KB\/s\)$/.test(s)), statuses.join('|')).toBe(true);
    expect(io.stdout.trim().split('\n')).toHaveLength(3); // the three alerts, nothing else
  });
});

describe('detc --help', () => {
  it('lists every command with its synopsis and summary, as their own --help does', async () => {
    const io = capture();
    expect(await main(['--help'], io)).toBe(0);
    for (const c of ['check', 'build', 'test', 'run']) {
      const help = capture();
      await main([c, '--help'], help);
      const [usageLine, , summaryLine] = help.stdout.split('\n');
      expect(io.stdout).toContain(usageLine!.replace('usage: ', ''));
      expect(io.stdout).toContain(summaryLine!);
    }
  });
});

describe('colour', () => {
  const stream = (isTTY: boolean) => ({ isTTY, text: '', write(t: string) { this.text += t; } });

  it('only when stdout and stderr are both terminals: diagnostics redirected to a file carry no escape codes', async () => {
    const cases: [boolean, boolean, Record<string, string>, boolean][] = [
      [true, true, {}, true],
      [true, false, {}, false], // detc check 2> problems.txt
      [false, true, {}, false],
      [true, true, { NO_COLOR: '1' }, false],
    ];
    for (const [outTTY, errTTY, env, color] of cases) {
      const out = stream(outTTY);
      const err = stream(errTTY);
      const io = streamsIO(out, err, env);
      expect(io.color, JSON.stringify([outTTY, errTTY, env])).toBe(color);
      expect(await main(['check', '--no-config', '--no-kusto', 'test/fixtures/seed002_as_written.yaml'], io)).toBe(1);
      expect(err.text.includes('\x1b['), JSON.stringify([outTTY, errTTY, env])).toBe(color);
    }
  });
});
