import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { indexDocument } from '../../src/rule/load.js';
import { readSimpleYaml } from '../../src/rule/yaml-fast.js';
import { yamlFiles } from '../helpers.js';

// The fast reader must give exactly what the `yaml` library gives (value and node positions), or
// nothing at all.
function library(text: string) {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, strict: true });
  return doc.errors.length ? undefined : { data: doc.toJS(), nodes: indexDocument(doc) };
}

/** The comparable part of a node: where the value and its key are, and its kind. */
const shape = (n: { range: readonly number[]; keyRange?: readonly number[]; type: string } | undefined) =>
  n && { start: n.range[0], end: n.range[1], key: n.keyRange, type: n.type };

function expectSameAsLibrary(text: string): 'fast' | 'library' {
  const fast = readSimpleYaml(text, true);
  // Reading without the position index gives the same verdict and data.
  expect(readSimpleYaml(text)?.data).toEqual(fast?.data);
  if (!fast) return 'library';
  const lib = library(text);
  expect(lib, 'the fast reader accepted text the library rejects').toBeDefined();
  expect(fast.data).toEqual(lib!.data);
  expect([...fast.nodes.keys()].sort()).toEqual([...lib!.nodes.keys()].sort());
  for (const [path, node] of lib!.nodes) expect(shape(fast.nodes.get(path)), path).toEqual(shape(node));
  return 'fast';
}

const files = yamlFiles('rules', 'targets', '../shared/corpus/sentinel');

describe('fast rule YAML reader', () => {
  it('reads every bundled rule and mapping and most of the corpus exactly as the yaml library does', () => {
    const used = files.map((f) => [f, expectSameAsLibrary(readFileSync(f, 'utf8'))] as const);
    expect(used.filter(([f, u]) => (f.startsWith('rules') || f.startsWith('targets')) && u === 'library')).toEqual([]);
    // The rest (block scalars with |+, CRLF files, ...) fall back to the library.
    expect(used.filter(([, u]) => u === 'fast').length).toBeGreaterThan(files.length * 0.8);
  });

  it('leaves to the library what it does not read exactly', () => {
    const outside = [
      'a: 1\na: 2\n', // duplicate key (the library reports it)
      'a: one\n  two\n', // multi-line plain scalar
      'a: b: c\n', // nested compact mapping (an error)
      'a:\tb\n', // tab
      'a: 1.5\n', // float
      'a: >\n  folded\n\n  with a blank line\n', // folding beyond joining lines
      'a: >\n  folded\n    more indented\n', // folding beyond joining lines
      'a: &x 1\nb: *x\n', // anchor and alias
      'a: {b: {c: 1}}\n', // nested flow collection
      '---\na: 1\n', // document marker
      'a: "x\\ty\\q"\n', // unknown escape
      'a: |2\n   x\n', // explicit indentation
      '- a\n', // not a mapping
    ];
    for (const text of outside) expect(readSimpleYaml(text), text).toBeUndefined();
  });

  it('declines deep nesting instead of running out of stack', () => {
    let deep = '';
    for (let i = 0; i < 5000; i++) deep += `${' '.repeat(i)}k${i}:\n`;
    expect(() => readSimpleYaml(deep)).not.toThrow();
    expect(readSimpleYaml(deep)).toBeUndefined();
    expect(readSimpleYaml('a:\n  b:\n    c: 1\n')?.data).toEqual({ a: { b: { c: 1 } } });
  });

  it('agrees with the library on mutated rule and mapping files (accepts nothing the library reads otherwise)', () => {
    const sources = files.filter((f) => f.startsWith('rules') || f.startsWith('targets')).map((f) => readFileSync(f, 'utf8'));
    const pieces = [' ', '  ', '\n', ':', ': ', '- ', '#', ' #', '"', "'", '|', '|-', '>', '>-', '[', ']', ',', 'null', 'true', '0', '-1', '0x1', '~', 'a: b', '\\', '{', '}', '{a: 1}', '\u2028'];
    fc.assert(
      fc.property(fc.nat(sources.length - 1), fc.array(fc.tuple(fc.nat(), fc.nat(3), fc.constantFrom(...pieces)), { minLength: 1, maxLength: 3 }), (which, edits) => {
        let text = sources[which]!;
        for (const [at, cut, piece] of edits) {
          const i = at % (text.length + 1);
          text = text.slice(0, i) + piece + text.slice(i + cut);
        }
        expectSameAsLibrary(text);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 400) },
    );
  });
});
