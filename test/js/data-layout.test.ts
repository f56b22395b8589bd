import fc from 'fast-check';
import { join } from 'node:path';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';
import { layoutStatement, stringLiteral } from '../../src/backends/js/data-layout.js';
import { createJsBackend, formattedModule, PRETTIER_OPTIONS, standaloneModule } from '../../src/backends/js/index.js';
import { runBackend } from '../../src/backends/types.js';
import { javaScriptData, shareData } from '../../src/backends/js/module-data.js';
import { checkRuleFile, checkRuleText } from '../../src/compile.js';
import { ruleYaml, yamlFiles } from '../helpers.js';

const files = yamlFiles('rules', '../shared/corpus/sentinel');

/** What prettier makes of `head <compact data>;` with the modules' options. */
async function prettierLayout(roots: unknown[]): Promise<string> {
  const { constants, expressions } = javaScriptData(roots);
  return prettier.format(`${constants.join('\n')}\n${expressions.map((e, i) => `export const v${i} = ${e};`).join('\n')}\n`, PRETTIER_OPTIONS);
}

/** The same statements written by data-layout.ts (undefined if it declines). */
function directLayout(roots: unknown[]): string | undefined {
  const { constants, names } = shareData(roots);
  const statements = [...constants.map((c) => layoutStatement(`const ${c.name} = `, c.value, names)), ...roots.map((v, i) => layoutStatement(`export const v${i} = `, v, names))];
  return statements.includes(undefined) ? undefined : `${statements.join('\n')}\n`;
}

describe('module layout: the text prettier would write, without prettier', () => {
  it('is prettier’s output for the module of every rule in rules/ and the corpus', async () => {
    let compared = 0;
    for (const f of files) {
      const r = checkRuleFile(f);
      if (!r.ir) continue;
      const compiled = { rule: r.rule!, ir: r.ir, stem: 'm' };
      const direct = formattedModule(compiled);
      // Every bundled rule is written directly; a corpus rule may be declined (then prettier runs).
      if (f.startsWith('rules')) expect(direct, f).toBeDefined();
      if (direct === undefined) continue;
      expect(direct, f).toBe(await prettier.format(standaloneModule(compiled), PRETTIER_OPTIONS));
      compared++;
    }
    expect(compared).toBeGreaterThan(60);
  });

  // Data that exercises every layout rule: long and short strings with quotes and escapes, keys
  // that need quotes or not, number arrays long enough to fill several lines, arrays of objects,
  // nesting deep enough to push entries past the width.
  const text = fc.string({ unit: fc.constantFrom('a', 'b', ' ', "'", '"', '\\', '\n', 'é', '’', '\u2028', 'x'.repeat(9)), maxLength: 24 });
  const key = fc.oneof(fc.constantFrom('a', 'op', 'name', 'names', 'kind', 'value', 'a-b', '1', '01', '1.5', 'if', '$x', 'é', 'a long key of many words', 'span'), text);
  const number = fc.oneof(fc.integer({ min: -1000, max: 1_000_000 }), fc.double({ noNaN: true }), fc.constant(1e21), fc.constant(-0));
  const { data } = fc.letrec<{ data: unknown }>((tie) => ({
    data: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      text,
      number,
      fc.boolean(),
      fc.constant(null),
      fc.constant(undefined),
      fc.array(number, { maxLength: 40 }),
      fc.array(tie('data'), { maxLength: 5 }),
      fc.array(fc.record({ name: text, type: fc.constantFrom('string', 'long') }), { maxLength: 4 }),
      fc.dictionary(key, tie('data'), { maxKeys: 5 }),
    ),
  }));

  it('is prettier’s output on random data', async () => {
    await fc.assert(
      fc.asyncProperty(data, async (v) => {
        const root = { root: v };
        const direct = directLayout([root]);
        if (direct !== undefined) expect(direct).toBe(await prettierLayout([root]));
      }),
      { numRuns: 400 },
    );
  });

  it('is prettier’s output when objects recur (constants named where they recur)', async () => {
    await fc.assert(
      fc.asyncProperty(data, data, async (a, b) => {
        const shared = { shared: a, list: [b] };
        const roots = [{ x: shared, y: [shared, { z: shared }] }, [shared, b]];
        const direct = directLayout(roots);
        if (direct !== undefined) expect(direct).toBe(await prettierLayout(roots));
      }),
      { numRuns: 200 },
    );
  });

  it('is prettier’s output when frozen objects of scalars (laid out once, then reused) recur at other depths', async () => {
    const leaf = fc.record({ name: text, type: fc.constantFrom('string', 'long'), n: number });
    await fc.assert(
      fc.asyncProperty(fc.array(leaf, { minLength: 1, maxLength: 6 }), fc.nat(5), async (leaves, depth) => {
        const frozen = leaves.map((l) => Object.freeze(l));
        // Once near the top, then deeper (other columns, other widths left), then as a list.
        let deep: unknown = { item: frozen[0] };
        for (let i = 0; i < depth; i++) deep = { [`key${i}`]: deep, other: frozen[i % frozen.length] };
        for (const roots of [[{ a: frozen[0] }], [deep], [frozen, deep]]) {
          const direct = directLayout(roots);
          if (direct !== undefined) expect(direct).toBe(await prettierLayout(roots));
        }
      }),
      { numRuns: 150 },
    );
  });

  it('is prettier’s output when deeply frozen lists (laid out once, their broken text kept by indentation) recur at other depths', async () => {
    const leaf = fc.record({ name: text, type: fc.constantFrom('string', 'long') });
    await fc.assert(
      fc.asyncProperty(fc.array(leaf, { minLength: 1, maxLength: 12 }), fc.nat(4), fc.boolean(), async (leaves, depth, alsoLoose) => {
        // A table's columns as the catalog holds them: the list and every column frozen.
        const list = Object.freeze(leaves.map((l) => Object.freeze(l)));
        let deep: unknown = { schema: list };
        for (let i = 0; i < depth; i++) deep = { [`key${i}`]: deep, n: i };
        // The list at the top, then nested; a second data that also holds one column on its own
        // (named as a constant: the list laid out before must then name it too).
        const datas = [[list], [deep], [{ schema: list, other: alsoLoose ? list[0] : 1 }]];
        for (const roots of datas) {
          const direct = directLayout(roots);
          if (direct !== undefined) expect(direct).toBe(await prettierLayout(roots));
        }
      }),
      { numRuns: 150 },
    );
  });

  it('does not reuse a frozen list laid out whole where this data names an object inside it', () => {
    const list = Object.freeze([Object.freeze({ name: 'a', type: 'string' }), Object.freeze({ name: 'b', type: 'long' })]);
    // Laid out once whole...
    expect(directLayout([{ schema: list }])).toContain("{ name: 'a', type: 'string' }");
    // ...then in data holding its first column twice: the column is a constant, named in the list.
    const named = directLayout([{ schema: list, again: list[0] }])!;
    expect(named).toContain("const d0 = { name: 'a', type: 'string' };");
    expect(named).toMatch(/schema: \[d0, \{ name: 'b', type: 'long' \}\]/);
  });

  it('fills arrays of numbers to the last column prettier would', async () => {
    const numbers = fc.array(fc.oneof(fc.integer({ min: -99, max: 999 }), fc.double({ noNaN: true, noDefaultInfinity: true })), { minLength: 20, maxLength: 80 });
    await fc.assert(
      fc.asyncProperty(numbers, fc.nat(6), async (list, depth) => {
        let v: unknown = list;
        for (let i = 0; i < depth; i++) v = { [`k${i}`]: v, other: i };
        const direct = directLayout([v]);
        expect(direct).toBeDefined();
        expect(direct).toBe(await prettierLayout([v]));
      }),
      { numRuns: 150 },
    );
  });

  it('quotes every string and key of one or two printable ASCII characters as prettier does', async () => {
    const ascii = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i));
    const printable = [...ascii, ...ascii.flatMap((a) => ascii.map((b) => a + b))];
    const strings = [...printable, '\n', 'a\tb', '\u2028', '\u0000'];
    const keys = Object.fromEntries(printable.map((k, i) => [k, i]));
    const direct = directLayout([strings, keys]);
    expect(direct).toBeDefined();
    expect(direct).toBe(await prettierLayout([strings, keys]));
  });

  it('leaves a module it declines to prettier, in the build', async () => {
    const r = checkRuleText('emoji.yaml', ruleYaml('SigninLogs | where UserPrincipalName == "a"', 'description: "tokens 😀 and 漢字"'));
    const compiled = { rule: r.rule!, ir: r.ir!, stem: 'emoji' };
    expect(formattedModule(compiled)).toBeUndefined();
    const { artifacts } = await runBackend(createJsBackend(), [compiled]);
    expect(artifacts[0]!.content).toBe(await prettier.format(standaloneModule(compiled), PRETTIER_OPTIONS));
    expect(artifacts[0]!.content).toContain("description: 'tokens 😀 and 漢字'");
  });

  it('declines only text whose width it is not sure of', () => {
    expect(directLayout([{ a: 'plain ASCII, Latin (é, ß), “quotes” and dashes – —' }])).toBeDefined();
    expect(directLayout([{ a: 'emoji 😀' }])).toBeUndefined();
    expect(directLayout([{ a: '漢字' }])).toBeUndefined(); // two columns each in prettier
    expect(directLayout([JSON.parse('{"__proto__": 1}')])).toBeUndefined();
  });

  it('chooses quotes as prettier does', () => {
    expect(stringLiteral('plain')).toBe("'plain'");
    expect(stringLiteral('say "hi"')).toBe(`'say "hi"'`);
    expect(stringLiteral("it's")).toBe(`"it's"`);
    expect(stringLiteral(`it's "x" "y"`)).toBe(`'it\\'s "x" "y"'`);
    expect(stringLiteral('a\\b\n')).toBe("'a\\\\b\\n'");
  });
});
