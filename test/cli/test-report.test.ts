import { describe, expect, it } from 'vitest';
import { xmlEscape } from '../../src/cli/junit.js';
import { main } from '../../src/cli/main.js';
import { capture } from '../helpers.js';
import { ruleFolder } from './rule-folder.js';

describe('detc test --format junit', () => {
  it('testsuites > a testsuite per rule file > a testcase per test, a failure with its message; an error for a broken rule; exit 1', async () => {
    const { dir, good, broken } = ruleFolder();
    const io = capture();
    expect(await main(['test', '--no-config', '--format', 'junit', dir], io)).toBe(1);
    // No XML parser is among the dependencies: the structure is checked element by element.
    const xml = io.stdout;
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="detc test" tests="3" failures="1" errors="1">')).toBe(true);
    expect(xml).toContain(`<testsuite name="${good}" tests="2" failures="1" errors="0">`);
    expect(xml).toContain(`<testcase name="bob alerts" classname="${good}"/>`);
    // The name keeps its characters, escaped for XML; the control character (not allowed in XML 1.0) as a visible escape.
    expect(xml).toContain(`<testcase name="expects &lt;none&gt; &amp; &quot;quiet&quot; \\u0001 here" classname="${good}">`);
    expect(xml).toMatch(/<failure message="expected 0 alert\(s\), got 1[^"]*">expected 0 alert\(s\), got 1/);
    expect(xml).toContain(`<testsuite name="${broken}" tests="1" failures="0" errors="1">`);
    expect(xml).toMatch(/<error message="[^"]*broken\.yaml:\d+:\d+: error DTC3\d{3}: [^"]*NoSuchColumn[^"]*" type="DTC3\d{3}">/);
    expect(xml.trimEnd().endsWith('</testsuites>')).toBe(true);
    expect(xml.match(/<testcase /g)).toHaveLength(3);
    // No character XML 1.0 forbids anywhere in the report.
    expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
    // Diagnostics and the summary go to stderr, so stdout is the report alone.
    expect(io.stderr).toContain('error DTC3');
    expect(io.stderr).toContain('1 passed, 1 failed (1 rule file(s) with errors)');
  });

  it('xmlEscape: markup characters, quotes, and characters XML cannot carry', () => {
    expect(xmlEscape(`a<b>&"c"'\u0007\u001b\uffff`)).toBe('a&lt;b&gt;&amp;&quot;c&quot;&apos;\\u0007\\u001b\\uffff');
    // Line breaks and tabs survive an attribute value (a parser would turn raw ones into spaces).
    expect(xmlEscape('one\ntwo\tthree', { attribute: true })).toBe('one&#10;two&#9;three');
    expect(xmlEscape('one\ntwo')).toBe('one\ntwo');
    // A lone surrogate is not a character; a pair is.
    expect(xmlEscape('\ud800 😀')).toBe('\\ud800 😀');
  });
});

describe('detc test --format json', () => {
  it('one JSON document on stdout: totals, and per file its tests with failures and its diagnostics', async () => {
    const { dir, good, broken } = ruleFolder();
    const io = capture();
    expect(await main(['test', '--no-config', '--format=json', dir], io)).toBe(1);
    const report = JSON.parse(io.stdout) as { passed: number; failed: number; broken: number; files: { file: string; ok: boolean; tests: { name: string; passed: boolean; failures: string[] }[]; diagnostics: { code: string; line: number }[] }[] };
    expect([report.passed, report.failed, report.broken]).toEqual([1, 1, 1]);
    const byFile = new Map(report.files.map((f) => [f.file, f]));
    expect(byFile.get(good)!.ok).toBe(false);
    expect(byFile.get(good)!.tests.map((t) => [t.name, t.passed])).toEqual([['bob alerts', true], ['expects <none> & "quiet" \u0001 here', false]]);
    expect(byFile.get(good)!.tests[1]!.failures[0]).toMatch(/^expected 0 alert\(s\), got 1/);
    expect(byFile.get(broken)!.ok).toBe(false);
    expect(byFile.get(broken)!.diagnostics[0]!.code).toMatch(/^DTC3/);
    expect(io.stderr).toContain('1 passed, 1 failed');
  });

  it('text stays the default, on stdout; an unknown format is a usage error', async () => {
    const { good } = ruleFolder();
    const io = capture();
    expect(await main(['test', '--no-config', good], io)).toBe(1);
    expect(io.stdout).toContain('✓ bob alerts');
    expect(io.stdout).toContain('1 passed, 1 failed');
    const bad = capture();
    expect(await main(['test', '--no-config', '--format', 'xml', good], bad)).toBe(2);
    expect(bad.stderr).toContain("--format must be text, json, sarif or junit, got 'xml'");
  });
});
