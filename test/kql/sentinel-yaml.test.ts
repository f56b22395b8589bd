// The Sentinel rule file detc writes: the yaml library's stringify, laid out as the Azure-Sentinel
// repository's files are (query as a `|` block, long lines kept whole), and read back unchanged.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { emitKql } from '../../src/backends/kql/index.js';
import { sentinelYaml } from '../../src/backends/kql/sentinel.js';
import { checkRuleFile, checkRuleText } from '../../src/compile.js';
import { ruleYaml } from '../helpers.js';

describe('Sentinel YAML', () => {
  it('is the same text as before the writer became the library (golden file from the earlier writer)', () => {
    const r = checkRuleFile('rules/application_access_token_entra.yaml');
    expect(sentinelYaml(r.rule!, emitKql(r.ir!))).toBe(readFileSync('test/golden/application_access_token_entra.sentinel.yaml', 'utf8'));
  });

  it('writes the query as a literal block and a long line unfolded', () => {
    const long = `a description of ${'many words '.repeat(30).trim()}`;
    const r = checkRuleText('r.yaml', ruleYaml('SigninLogs | take 1', `description: ${long}\n`));
    expect(r.diagnostics).toEqual([]);
    const text = sentinelYaml(r.rule!, 'SigninLogs\n| take 1\n');
    expect(text).toContain('query: |\n  SigninLogs\n  | take 1\n');
    expect(text).toContain(`description: ${long}\n`);
  });

  // Characters that change how a scalar must be written (quotes, indicators, escapes, line breaks).
  const text = fc.string({ unit: fc.constantFrom('a', ' ', '-', '?', ':', '#', "'", '"', '\\', '[', '{', '&', '*', '!', '|', '>', '%', '@', '\t', '\n', 'true', 'null', '0x1', '1.5', '---', 'é', '\u2028', '\u0001'), maxLength: 12 });

  it('reads back as the rule with the new query, for any text in its values', () => {
    const base = checkRuleText('r.yaml', ruleYaml('SigninLogs | take 1')).rule!;
    fc.assert(
      fc.property(text, fc.array(text, { maxLength: 3 }), text, (description, tactics, kql) => {
        const raw = { ...base.raw, description, tactics, tests: [{ name: 'dropped' }] };
        const out = parse(sentinelYaml({ ...base, raw }, kql)) as Record<string, unknown>;
        const { tests: _, ...kept } = raw;
        expect(out).toEqual({ ...kept, query: kql });
      }),
      { numRuns: 500 },
    );
  });
});
