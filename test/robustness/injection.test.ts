/**
 * Strings from a rule (values, column names, aliases, let names, descriptions) with quotes,
 * backslashes, newlines, comment markers, `*\/`, template markers and non-ASCII stay data in every
 * target: the KQL parses (Kusto.Language) with the same value, the AQL parses with the same value,
 * the Sentinel rule file reads back with the same strings, and the generated JavaScript module
 * carries them as data.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { parse as parseYaml } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { checkAqlSyntax } from '../../src/backends/aql/grammar.js';
import { loadMappings } from '../../src/backends/aql/mapping.js';
import { translateToAql } from '../../src/backends/aql/translate.js';
import { standaloneModule } from '../../src/backends/js/index.js';
import { emitKql } from '../../src/backends/kql/emit.js';
import { sentinelYaml } from '../../src/backends/kql/sentinel.js';
import { kustoDiagnostics } from '../../src/backends/kql/kusto.js';
import { kqlName, kqlString } from '../../src/backends/kql/literals.js';
import { checkRuleText } from '../../src/compile.js';
import { loadTables, TableCatalog } from '../../src/ir/tables.js';
import { bindQuery } from '../../src/ir/binder.js';
import { compileQuery } from '../../src/backends/js/compile.js';
import { parseQuery } from '../../src/query/parser.js';
import { ruleYaml } from '../helpers.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
const hostile = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.array(fc.constantFrom("'", '"', '\\', '\n', '\r', '//', '/*', '*/', '{{', '}}', '${', '`', '--', ';', '|', 'é', '\u2028', '\u0000', ']', '['), { minLength: 1, maxLength: 8 }).map((a) => a.join('')),
);
const tables = loadTables();
const mappings = loadMappings();

describe('no injection through rule strings', () => {
  it('KQL: values, column aliases and let names come back as the same data', () => {
    fc.assert(
      fc.property(hostile, hostile, hostile, (value, alias, letName) => {
        const q = `let ${kqlName(`L${letName}`)} = ${kqlString(value)};\nSigninLogs\n| where UserPrincipalName == ${kqlName(`L${letName}`)}\n| extend ${kqlName(`A${alias}`)} = ${kqlString(value)}`;
        const r = checkRuleText('i.yaml', ruleYaml(q));
        expect(r.diagnostics).toEqual([]);
        const kql = emitKql(r.ir!);
        expect(kustoDiagnostics(kql, tables)).toEqual([]);
        const again = parseQuery(kql);
        expect(again.problems).toEqual([]);
        expect(again.ast.lets[0]!.name).toBe(`L${letName}`);
        const ext = again.ast.body!.ops.find((o) => o.op === 'extend');
        expect(ext?.op === 'extend' && ext.items[0]!.name).toBe(`A${alias}`);
      }),
      { numRuns: RUNS },
    );
  });

  it('AQL: values and aliases (also in the approximation comment) keep the query well-formed', () => {
    fc.assert(
      fc.property(hostile, hostile, (value, alias) => {
        const q = `SigninLogs\n| where UserPrincipalName == ${kqlString(value)} or AppDisplayName has ${kqlString(value || 'x')}\n| summarize ${kqlName(`S${alias}`)} = make_set(AppDisplayName), n = count() by UserPrincipalName\n| project UserPrincipalName, ${kqlName(`N${alias}`)} = n`;
        const r = checkRuleText('a.yaml', ruleYaml(q));
        expect(r.diagnostics).toEqual([]);
        const t = translateToAql(r.ir!, mappings.get('SigninLogs'), new Set(['drop-list-aggregates']), r.rule!.queryPeriodMs);
        expect(t.errors).toEqual([]);
        expect(checkAqlSyntax(t.aql!)).toEqual([]);
        const literal = /username = ('(?:[^']|'')*')/.exec(t.aql!)![1]!;
        expect(literal.slice(1, -1).replace(/''/g, "'")).toBe(value);
      }),
      { numRuns: RUNS },
    );
  });

  it('JavaScript: hostile column names and aliases stay keys in generated evaluator code', () => {
    fc.assert(
      fc.property(hostile, hostile, (columnName, alias) => {
        const catalog = new TableCatalog([{ name: 'H', columns: [{ name: `c${columnName}`, type: 'string' }, { name: 'TimeGenerated', type: 'datetime' }] }]);
        const q = `H | extend ${kqlName(`a${alias}`)} = ${kqlName(`c${columnName}`)} | where ${kqlName(`a${alias}`)} == "x"`;
        const parsed = parseQuery(q);
        expect(parsed.problems).toEqual([]);
        const ir = bindQuery(parsed.ast, catalog, q).ir!;
        const out = compileQuery(ir).run([{ [`c${columnName}`]: 'x' }, { [`c${columnName}`]: 'y' }], { now: 0 }).rows;
        expect(out).toHaveLength(1);
        expect(out[0]![`a${alias}`]).toBe('x');
        expect(out[0]![`c${columnName}`]).toBe('x');
        expect(Object.keys(out[0]!)).toEqual([`c${columnName}`, 'TimeGenerated', `a${alias}`]);
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('Sentinel YAML: the rule file reads back with the same strings and the same query', () => {
    fc.assert(
      fc.property(hostile, hostile, (value, description) => {
        const yaml = ruleYaml(`SigninLogs\n| where UserPrincipalName == ${kqlString(value)}`, `description: ${JSON.stringify(description)}`);
        const r = checkRuleText('s.yaml', yaml);
        expect(r.diagnostics).toEqual([]);
        const kql = emitKql(r.ir!);
        const back = parseYaml(sentinelYaml(r.rule!, kql)) as { description: string; query: string };
        expect(back.description).toBe(description);
        expect(back.query).toBe(kql);
      }),
      { numRuns: RUNS },
    );
  });

  const dir = join(process.cwd(), 'dist-test-injection');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('JavaScript: the generated module holds rule strings as data, and running it executes nothing else', async () => {
    mkdirSync(dir, { recursive: true });
    let i = 0;
    await fc.assert(
      fc.asyncProperty(hostile, hostile, async (value, description) => {
        const yaml = ruleYaml(`SigninLogs\n| where UserPrincipalName == ${kqlString(value)}`, `description: ${JSON.stringify(description)}`);
        const r = checkRuleText('j.yaml', yaml);
        expect(r.diagnostics).toEqual([]);
        const file = join(dir, `m${i++}.mjs`);
        // The module as `detc build` writes it.
        const compiled = { rule: r.rule!, ir: r.ir!, stem: 'm' };
        writeFileSync(file, standaloneModule(compiled));
        const mod = (await import(pathToFileURL(file).href)) as { spec: { description: string }; default: { run(e: object[], o: object): { result: { rows: object[] } } } };
        expect(mod.spec.description).toBe(description);
        const out = mod.default.run([{ UserPrincipalName: value, TimeGenerated: '2025-03-01T11:30:00Z' }, { UserPrincipalName: `${value}x`, TimeGenerated: '2025-03-01T11:30:00Z' }], { now: '2025-03-01T12:00:00Z' });
        expect(out.result.rows).toHaveLength(1);
      }),
      { numRuns: Math.min(RUNS, 40) },
    );
  });
});
