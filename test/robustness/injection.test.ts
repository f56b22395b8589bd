/**
 * Strings from a rule (values, column names, aliases, let names, descriptions) with quotes,
 * backslashes, newlines, comment markers, `*\/`, template markers and non-ASCII stay data in every
 * target: the KQL parses (Kusto.Language) with the same value, the AQL parses with the same value,
 * the Sentinel rule file reads back with the same strings, and the generated JavaScript module
 * carries them as data.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { parse as parseYaml, parseDocument } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { checkAqlSyntax } from '../../src/backends/aql/grammar.js';
import { loadMappings } from '../../src/backends/aql/mapping.js';
import { translateToAql } from '../../src/backends/aql/translate.js';
import { standaloneModule } from '../../src/backends/js/index.js';
import { createAqlBackend } from '../../src/backends/aql/index.js';
import { COMBINED_ARM_TEMPLATE, createKqlBackend } from '../../src/backends/kql/index.js';
import { emitKql } from '../../src/backends/kql/emit.js';
import { artifactText, runBackend, type CompiledRule } from '../../src/backends/types.js';
import { sentinelYaml } from '../../src/backends/kql/sentinel.js';
import { kustoDiagnostics } from '../../src/backends/kql/kusto.js';
import { kqlName, kqlString } from '../../src/backends/kql/literals.js';
import { checkRuleText } from '../../src/compile.js';
import { loadTables, TableCatalog } from '../../src/ir/tables.js';
import { bindQuery } from '../../src/ir/binder.js';
import { compileQuery } from '../../src/backends/js/compile.js';
import { parseQuery } from '../../src/query/parser.js';
import { ruleYaml } from '../helpers.js';
import { hostileFileName, hostileString } from '../hostile-text.js';

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

  it('AQL: values and aliases (also in the approximation comment) keep the query well-formed, or are refused', () => {
    fc.assert(
      fc.property(hostile, hostile, (value, alias) => {
        const q = `SigninLogs\n| where UserPrincipalName == ${kqlString(value)} or AppDisplayName has ${kqlString(value || 'x')}\n| summarize ${kqlName(`S${alias}`)} = make_set(AppDisplayName), n = count() by UserPrincipalName\n| project UserPrincipalName, ${kqlName(`N${alias}`)} = n`;
        const r = checkRuleText('a.yaml', ruleYaml(q));
        expect(r.diagnostics).toEqual([]);
        const t = translateToAql(r.ir!, mappings.get('SigninLogs'), new Set(['drop-list-aggregates']), r.rule!.queryPeriodMs);
        // AQL quotes have no escapes: a control character (other than tab) in a string or a quoted name is refused.
        if (/[\u0000-\u0008\u000a-\u001f\u007f]/.test(value + alias)) {
          expect(t.aql).toBeUndefined();
          expect(t.errors.map((e) => e.message)).toEqual([expect.stringMatching(/holds the control character U\+00[0-7][0-9A-F], which AQL cannot write/)]);
          return;
        }
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

/**
 * Rule file names (and rule names, descriptions) reach artifacts as headers, keys and file names.
 * A name holding a line break, U+2028/U+2029, `*\/`, quotes, backslashes, `${` or backticks must
 * leave every artifact well-formed with the same content. Named cases first, then generated ones.
 */
const NAMED_FILES = [
  'rules/x\nglobalThis.__detcInjected = 1; //.yaml',
  'rules/x\rglobalThis.__detcInjected = 1; //.yaml',
  'rules/x\u2028globalThis.__detcInjected = 1; //.yaml',
  'rules/x\u2029globalThis.__detcInjected = 1; //.yaml',
  'rules/a*/ SELECT 1 /*.yaml',
  'rules/q"uote\'s \\ back\\slash.yaml',
  'rules/${globalThis.__detcInjected = 1}`tick`.yaml',
  'rules/\u001b[2J\u0007\u007f\u0085.yaml',
];
// Rule names must not be empty (the schema); `n` in front keeps every generated one valid.
const fileCases = fc.tuple(fc.oneof(fc.constantFrom(...NAMED_FILES), hostileFileName()), hostileString(6).map((n) => `n${n}`), hostileString(6));
const FILE_RUNS = Math.max(NAMED_FILES.length * 3, Math.min(RUNS, 40));
const QUERY = 'SigninLogs\n| where UserPrincipalName has "admin"\n| summarize n = count() by UserPrincipalName';

/** The rule compiled as `detc build` names it (the artifact stem is the file's base name). */
function compiledFrom(file: string, name: string, description: string): CompiledRule {
  const yaml = ruleYaml(QUERY, `description: ${JSON.stringify(description)}\n`).replace('name: test rule', `name: ${JSON.stringify(name)}`);
  const r = checkRuleText(file, yaml);
  expect(r.diagnostics).toEqual([]);
  return { rule: r.rule!, ir: r.ir!, stem: basename(file, extname(file)) };
}

describe('no injection through rule file names: KQL, ARM JSON, AQL and Ariel JSON', () => {
  it('the KQL file is the emitted query and nothing else, and Kusto.Language reads it without problems', async () => {
    await fc.assert(
      fc.asyncProperty(fileCases, async ([file, name, description]) => {
        const c = compiledFrom(file, name, description);
        const out = await runBackend(createKqlBackend(tables, false), [c]);
        const kql = artifactText(out.artifacts.find((a) => a.path.endsWith('.kql'))!);
        expect(kql).toBe(emitKql(c.ir));
        expect(kustoDiagnostics(kql, tables)).toEqual([]);
      }),
      { numRuns: FILE_RUNS },
    );
  });

  it('the ARM templates (per rule and all-rules.json) parse as JSON with the same name, description and query', async () => {
    await fc.assert(
      fc.asyncProperty(fileCases, async ([file, name, description]) => {
        const c = compiledFrom(file, name, description);
        const out = await runBackend(createKqlBackend(tables, false), [c]);
        const arm = out.artifacts.filter((a) => a.path.startsWith('arm/'));
        expect(arm.map((a) => a.path)).toEqual([`arm/${c.stem}.json`, COMBINED_ARM_TEMPLATE]);
        for (const a of arm) {
          const props = (JSON.parse(artifactText(a)) as { resources: { properties: Record<string, unknown> }[] }).resources[0]!.properties;
          expect([props.displayName, props.description, props.query]).toEqual([name, description, emitKql(c.ir)]);
        }
      }),
      { numRuns: FILE_RUNS },
    );
  });

  it('the AQL parses, the Ariel body is JSON holding exactly that AQL, and the report keys the rule by its stem', async () => {
    await fc.assert(
      fc.asyncProperty(fileCases, async ([file, name, description]) => {
        const c = compiledFrom(file, name, description);
        const out = await runBackend(createAqlBackend(), [c]);
        expect(out.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        const text = (suffix: string) => artifactText(out.artifacts.find((a) => a.path.endsWith(suffix))!);
        const aqlText = text('.aql');
        expect(checkAqlSyntax(aqlText)).toEqual([]);
        expect(aqlText).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u2028\u2029]/);
        const request = JSON.parse(text('.ariel.json')) as { query: { query_expression: string }; url: string };
        expect(request.query.query_expression).toBe(aqlText.trimEnd());
        expect(new URL(request.url, 'https://qradar.invalid').searchParams.get('query_expression')).toBe(aqlText.trimEnd());
        expect(Object.keys(JSON.parse(text('report.json')) as object)).toEqual([c.stem]);
      }),
      { numRuns: FILE_RUNS },
    );
  });
});

/**
 * These two artifacts are being rewritten on other branches (the JS module generator, which writes
 * the file name into a `//` header, and the Sentinel YAML writer): they may fail until those
 * branches are merged. They are not skipped, so the merge shows whether the fixes hold.
 */
describe('no injection through rule file names: Sentinel YAML and the JS module (fixed on other branches)', () => {
  it('Sentinel YAML: the rule file is valid YAML and reads back with the same name, description and query', async () => {
    await fc.assert(
      fc.asyncProperty(fileCases, async ([file, name, description]) => {
        const c = compiledFrom(file, name, description);
        const out = await runBackend(createKqlBackend(tables, false), [c]);
        const yaml = out.artifacts.find((a) => a.path.startsWith('sentinel/'))!;
        expect(yaml.path).toBe(`sentinel/${c.stem}.yaml`);
        const doc = parseDocument(artifactText(yaml));
        expect(doc.errors).toEqual([]);
        const back = doc.toJS() as { name: string; description: string; query: string };
        expect([back.name, back.description, back.query]).toEqual([name, description, emitKql(c.ir)]);
      }),
      { numRuns: FILE_RUNS },
    );
  });

  const dir = join(process.cwd(), 'dist-test-injection-files');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('JS module: it imports, exports only its data and rule, and runs nothing from the file name', async () => {
    mkdirSync(dir, { recursive: true });
    let i = 0;
    await fc.assert(
      fc.asyncProperty(fileCases, async ([file, name, description]) => {
        const c = compiledFrom(file, name, description);
        const path = join(dir, `f${i++}.mjs`);
        writeFileSync(path, standaloneModule(c));
        const g = globalThis as { __detcInjected?: unknown };
        delete g.__detcInjected;
        const mod = (await import(pathToFileURL(path).href)) as Record<string, unknown> & { spec: { description: string } };
        expect(g.__detcInjected).toBeUndefined();
        expect(Object.keys(mod).sort()).toEqual(['default', 'id', 'ir', 'spec']);
        expect(mod.spec.description).toBe(description);
      }),
      { numRuns: FILE_RUNS },
    );
  });
});
