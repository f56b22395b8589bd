import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadMappings } from '../../src/backends/aql/mapping.js';
import { translateToAql } from '../../src/backends/aql/translate.js';
import { compileQuery } from '../../src/backends/js/compile.js';
import { emitKql } from '../../src/backends/kql/emit.js';
import { kustoDiagnostics } from '../../src/backends/kql/kusto.js';
import { bindQuery } from '../../src/ir/binder.js';
import { parseQuery } from '../../src/query/parser.js';
import { loadWorkspace } from '../../src/workspace/workspace.js';
import { bindOp, checkSchemaAndKql, NOW, problemOf, runOp } from './helpers.js';

const F = 'let f = (T:(x:string), n:long = 2) { T | take n | extend q = strcat(x, "!") };';
const events = {
  A: [
    { x: 'a', y: 1, TimeGenerated: '2025-03-01T00:10:00Z' },
    { x: 'b', y: 2, TimeGenerated: '2025-03-01T00:20:00Z' },
    { x: 'c', y: 3, TimeGenerated: '2025-03-01T00:30:00Z' },
  ],
};

// https://learn.microsoft.com/kusto/query/invoke-operator: `T | invoke function([param1, param2])`,
// the function's first (tabular) parameter is T.
describe('invoke (issue 27)', () => {
  it.each([
    `${F} A | where y > 1 | invoke f() | where q != ""`,
    `${F} A | project y, x | invoke f(1)`,
    'let g = (T:(x:string)) { T | summarize c = count() by x }; A | invoke g ()',
    'let g = (T:(*)) { T | take 1 }; A | invoke g ()',
  ])('%s: schema as Kusto.Language computes it (the body over the piped table\'s columns); KQL accepted', (q) => {
    checkSchemaAndKql(q);
  });

  it('runs the body on the piped rows, the other arguments (or their defaults) in place', () => {
    expect(runOp(`${F} A | where y > 1 | invoke f()`, events).map((r) => r.q)).toEqual(['b!', 'c!']);
    expect(runOp(`${F} A | invoke f(n = 1) | project x, q`, events)).toEqual([{ x: 'a', q: 'a!' }]);
  });

  it('errors: no such function, a function without a tabular first parameter, no call', () => {
    expect(problemOf('A | invoke nosuch()')).toMatch(/^UnknownFunction: nosuch .*invoke calls a function declared with let f = \(T:\(\*\), \.\.\.\)/);
    expect(problemOf('let h = (n:long) { A | take n }; A | invoke h(1)')).toMatch(/invoke passes the table to h's first parameter, which must be tabular \(T:\(\*\)\); h has n:long first/);
    expect(problemOf(`${F} A | invoke 1`)).toMatch(/invoke needs a function call/);
  });

  it('a function body may declare and invoke another function of its own name (not a recursion); a function invoking itself is', () => {
    const q = 'let f = (n:long) { let f = (T:(x:string)) { T | take n }; A | invoke f() }; f(1)';
    expect(runOp(q, events).map((r) => r.x)).toEqual(['a']);
    expect(problemOf('let g = (T:(x:string)) { T | invoke g() }; A | invoke g()')).toMatch(/function g calls itself/);
  });

  it('AQL: the piped table and the body as one pipeline (the body read as the let it is bound to)', () => {
    const t = translateToAql(bindOp('let g = (T:(*), n:long = 2) { T | where EventID == 4625 | take n }; SecurityEvent | invoke g()'), loadMappings().get('SecurityEvent'), new Set(), 3_600_000);
    expect(t.errors).toEqual([]);
    expect(t.aql).toMatch(/WHERE[\s\S]*4625[\s\S]*LIMIT 2/);
  });

  describe('a workspace function', () => {
    const dir = mkdtempSync(join(tmpdir(), 'detc-invoke-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(
      join(dir, 'Tag.yaml'),
      ['ParserName: TagRows', 'ParserParams:', '  - Name: T', "    Type: '(*)'", '  - Name: tag', '    Type: string', "    Default: 'x'", 'ParserQuery: |', '  T | extend Tag = tag', ''].join('\n'),
    );
    const ws = loadWorkspace({ noConfig: true, functionPaths: [dir] });
    const q = 'SigninLogs | project UserPrincipalName | invoke TagRows("t1")';

    it('binds with its body; the KQL keeps the invoke of the workspace function, which Kusto.Language accepts', () => {
      expect(ws.diagnostics).toEqual([]);
      const parsed = parseQuery(q);
      const bound = bindQuery(parsed.ast, ws.tables, q);
      expect(bound.problems).toEqual([]);
      expect(bound.ir!.body.schema.map((c) => `${c.name}:${c.type}`)).toEqual(['UserPrincipalName:string', 'Tag:string']);
      const kql = emitKql(bound.ir!);
      expect(kql).toMatch(/\| invoke TagRows\("t1"\)/);
      expect(kustoDiagnostics(kql, ws.tables).filter((d) => d.severity === 'error')).toEqual([]);
      const rows = compileQuery(bound.ir!).run({ SigninLogs: [{ UserPrincipalName: 'u@x', TimeGenerated: '2025-03-01T00:00:00Z' }] }, { now: NOW }).rows;
      expect(rows).toEqual([{ UserPrincipalName: 'u@x', Tag: 't1' }]);
    });
  });
});
