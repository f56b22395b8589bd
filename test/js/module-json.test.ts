import fc from 'fast-check';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonWithoutSpans } from '../../src/ir/json.js';
import { checkRuleFile } from '../../src/compile.js';

// The plain definition it replaces.
const reference = (v: unknown) => JSON.stringify(v, (k, x: unknown) => (k === 'span' ? undefined : x));

describe('module data: JSON without spans', () => {
  it('is JSON.stringify with a span-dropping replacer, on every rule IR of rules/ and the corpus', () => {
    const files: string[] = [];
    const walk = (d: string) => readdirSync(d, { withFileTypes: true }).forEach((e) => (e.isDirectory() ? walk(join(d, e.name)) : e.name.endsWith('.yaml') && files.push(join(d, e.name))));
    walk('rules');
    walk('../shared/corpus/sentinel');
    let compared = 0;
    for (const f of files) {
      const r = checkRuleFile(f);
      if (!r.ir) continue;
      expect(jsonWithoutSpans(r.ir)).toBe(reference(r.ir));
      compared++;
    }
    expect(compared).toBeGreaterThan(60);
  });

  it('on any JSON data, with span keys and shared objects', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        const shared = { x: a, span: { start: 1, end: 2 } };
        const v = { list: [shared, b, shared], span: 3, inner: { span: a, keep: [undefined, shared] }, skip: undefined };
        expect(jsonWithoutSpans(v)).toBe(reference(v));
      }),
      { numRuns: 300 },
    );
  });
});
