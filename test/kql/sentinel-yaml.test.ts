import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { SENTINEL_YAML_OPTIONS, sentinelYaml } from '../../src/backends/kql/sentinel.js';
import { writeYaml } from '../../src/backends/kql/sentinel-yaml.js';
import { checkRuleFile, checkRuleText } from '../../src/compile.js';
import { ruleYaml, yamlFiles } from '../helpers.js';

const files = yamlFiles('rules', '../shared/corpus/sentinel');

const library = (data: object) => stringify(data, SENTINEL_YAML_OPTIONS);

describe('Sentinel YAML: the text the yaml library would write, without it', () => {
  it('is the library’s output for every rule of rules/ and the corpus', () => {
    let compared = 0;
    for (const f of files) {
      const r = checkRuleFile(f);
      if (!r.rule) continue;
      const raw = r.rule.raw as Record<string, unknown>;
      const direct = writeYaml(raw);
      if (f.startsWith('rules')) expect(direct, f).toBeDefined();
      if (direct === undefined) continue;
      expect(direct, f).toBe(library(raw));
      compared++;
    }
    expect(compared).toBeGreaterThan(100);
  });

  // Strings with every character that changes how a scalar is written, and shapes of rule files.
  const text = fc.string({ unit: fc.constantFrom('a', 'B', '1', ' ', '-', '?', ':', '#', "'", '"', '\\', ',', '[', ']', '{', '}', '&', '*', '!', '|', '>', '%', '@', '`', '.', '~', '\n', 'true', 'null', '0x1', '---', '...', 'é', '—', '\u2028', '\ufeff'), maxLength: 12 });
  const key = fc.oneof({ arbitrary: fc.constantFrom('id', 'name', 'query', 'a_b', 'x1', 'true', 'Null', '_'), weight: 6 }, { arbitrary: text, weight: 1 });
  const { data } = fc.letrec<{ data: unknown }>((tie) => ({
    data: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      { arbitrary: text, weight: 4 },
      { arbitrary: fc.integer(), weight: 1 },
      { arbitrary: fc.boolean(), weight: 1 },
      { arbitrary: fc.constant(null), weight: 1 },
      { arbitrary: fc.array(tie('data'), { maxLength: 4 }), weight: 2 },
      { arbitrary: fc.dictionary(key, tie('data'), { maxKeys: 4 }), weight: 2 },
    ),
  }));

  it('is the library’s output on random data, wherever it writes it', () => {
    let written = 0;
    fc.assert(
      fc.property(fc.dictionary(key, data, { minKeys: 1, maxKeys: 5 }), (doc) => {
        const direct = writeYaml(doc);
        if (direct === undefined) return;
        written++;
        expect(direct).toBe(library(doc));
      }),
      { numRuns: 1500 },
    );
    expect(written).toBeGreaterThan(150); // the comparison is not vacuous
  });

  it('is the library’s output for every string of one or two printable ASCII characters, and of three special ones', () => {
    const ascii = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i));
    const special = [...' -?:#,[]{}&*!|>\'"%@`.~\\a'];
    const strings = [...ascii, ...ascii.flatMap((a) => ascii.map((b) => a + b)), ...special.flatMap((a) => special.flatMap((b) => special.map((c) => a + b + c)))];
    const differ = strings.filter((s) => {
      const direct = writeYaml({ k: s, l: [s] });
      return direct !== undefined && direct !== library({ k: s, l: [s] });
    });
    expect(differ).toEqual([]);
  });

  it('leaves a rule file it declines to the library', () => {
    const r = checkRuleText('tab.yaml', ruleYaml('SigninLogs | take 1', 'description: "a\\tb"'));
    expect(r.diagnostics).toEqual([]);
    const raw = r.rule!.raw as Record<string, unknown>;
    expect(writeYaml(raw)).toBeUndefined();
    const text = sentinelYaml(r.rule!, 'SigninLogs\n| take 1\n');
    expect(text).toBe(library({ ...raw, query: 'SigninLogs\n| take 1\n' }));
    expect(text).toContain('description: a\tb'); // the library writes a tab plain
  });

  it('declines what it does not write as the library would', () => {
    expect(writeYaml({ a: 1.5 })).toBeUndefined();
    expect(writeYaml({ a: 'tab\there' })).toBeUndefined();
    expect(writeYaml({ a: [[1]] })).toBeUndefined();
    expect(writeYaml({ a: ' indented\nblock\n' })).toBeUndefined();
    expect(writeYaml({ 'a key': 1 })).toBeUndefined();
    expect(writeYaml({ a: 'x', b: [1, 'y'], c: { d: 'two\nlines\n' } })).toBe('a: x\nb:\n  - 1\n  - y\nc:\n  d: |\n    two\n    lines\n');
  });
});
