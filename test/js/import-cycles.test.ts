import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const DIR = resolve('src/backends/js');

/** The modules of the JS backend each module imports (type-only imports included: they tie the modules' designs together too). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const f of readdirSync(DIR).filter((n) => n.endsWith('.ts'))) {
    const file = join(DIR, f);
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const local = importedFiles.map((i) => i.fileName).filter((n) => n.startsWith('.'));
    graph.set(file, local.map((n) => resolve(dirname(file), n.replace(/\.js$/, '.ts'))).filter((n) => dirname(n) === DIR));
  }
  return graph;
}

/** Every cycle found by a depth-first walk, as the list of modules on it. */
function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (m: string): void => {
    const at = path.indexOf(m);
    if (at >= 0) return void found.push(path.slice(at).map((p) => p.slice(DIR.length + 1)));
    if (done.has(m)) return;
    path.push(m);
    for (const d of graph.get(m) ?? []) visit(d);
    path.pop();
    done.add(m);
  };
  for (const m of graph.keys()) visit(m);
  return found;
}

describe('JS backend modules', () => {
  it('import each other without cycles', () => {
    const graph = importGraph();
    expect(graph.size).toBeGreaterThan(10);
    expect(cycles(graph)).toEqual([]);
  });

  it('the cycle check finds a cycle', () => {
    const a = join(DIR, 'a.ts');
    const b = join(DIR, 'b.ts');
    expect(cycles(new Map([[a, [b]], [b, [a]]]))).toEqual([['a.ts', 'b.ts']]);
  });
});
