/**
 * How calls of workspace functions bind where unions and user-defined functions meet them, as the
 * ASIM unifying parsers (`_Im_Dns`: `union isfuzzy=true vimDnsEmpty, vimDnsX(...), ...`) use them.
 * Kusto's rule for fuzzy unions (https://learn.microsoft.com/kusto/query/union-operator, isfuzzy):
 * "the set of union sources is reduced to the set of table references that exist and are
 * accessible ... any resolution failure yields a warning ... but won't prevent the query
 * execution. If no resolutions were successful, the query returns an error".
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileQuery } from '../../src/backends/js/compile.js';
import { emitKql } from '../../src/backends/kql/emit.js';
import { kustoDiagnostics } from '../../src/backends/kql/kusto.js';
import { functionsOf } from '../../src/ir/functions.js';
import { checkRuleText, type FrontEndResult } from '../../src/compile.js';
import type { TableCatalog } from '../../src/ir/tables.js';
import { loadWorkspace } from '../../src/workspace/workspace.js';
import { ruleYaml } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'detc-function-binding-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const write = (path: string, text: string): void => {
  const file = join(dir, path);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, text);
};

let tables: TableCatalog;
beforeAll(() => {
  write('tables/Good_CL.json', JSON.stringify({ Name: 'Good_CL', Properties: [{ Name: 'user_s', Type: 'String' }] }));
  write('functions/vGood.kql', 'Good_CL\n| project TimeGenerated, User = user_s, Source = "good"\n');
  // A body with Microsoft's own kind of mistake: a named argument its callee does not declare.
  write('functions/vTypo.kql', 'let parser = (starttime:datetime=datetime(null)) { Good_CL | where isnull(starttime) or TimeGenerated >= starttime | project TimeGenerated, User = user_s, Source = "typo" };\nparser(startime=datetime(null))\n');
  write('functions/vEmpty.kql', 'datatable(TimeGenerated:datetime, User:string, Source:string)[]\n');
  const ws = loadWorkspace({ noConfig: true, tablePaths: [join(dir, 'tables')], functionPaths: [join(dir, 'functions')] });
  expect(ws.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  tables = ws.tables;
});

const check = (query: string): FrontEndResult => checkRuleText('rule.yaml', ruleYaml(query), { tables });
const messages = (r: FrontEndResult) => r.diagnostics.map((d) => `${d.severity} ${d.code} ${d.message}`);

describe('union isfuzzy=true over workspace functions', () => {
  it('leaves out a leg whose function body does not compile, with a warning naming the function, its file and line, and the error', () => {
    const r = check('union isfuzzy=true vGood, vTypo()\n| project User, Source');
    expect(r.ir).toBeDefined();
    expect(messages(r)).toEqual([
      expect.stringMatching(/^warning DTC3017 union isfuzzy=true leaves out its leg vTypo, as Kusto leaves out a leg that does not resolve: workspace function vTypo \(.*vTypo\.kql:2\) does not compile: unknown name 'startime' \(not a parameter of parser \(did you mean 'starttime'\?\)/),
    ]);
    // KQL keeps the leg as written: the workspace may well resolve it.
    expect(emitKql(r.ir!).split('\n')[0]).toBe('union isfuzzy=true vGood, vTypo()');
    const rows = compileQuery(r.ir!).run({ Good_CL: [{ TimeGenerated: '2025-03-01T11:00:00Z', user_s: 'bob' }] }, { now: Date.parse('2025-03-01T12:00:00Z') }).rows;
    expect(rows).toEqual([{ User: 'bob', Source: 'good' }]);
  });

  it('without isfuzzy, the same leg is an error', () => {
    const r = check('union vGood, vTypo()\n| project User');
    expect(r.ir).toBeUndefined();
    expect(messages(r)).toEqual([expect.stringMatching(/^error DTC3014 workspace function vTypo \(.*vTypo\.kql:2\) does not compile: unknown name 'startime'/)]);
  });

  it("a fuzzy leg's other errors are the query's own: still errors", () => {
    const r = check('union isfuzzy=true vGood, (vGood | where NoSuchColumn == 1)\n| project User');
    expect(r.ir).toBeUndefined();
    expect(messages(r)).toEqual([expect.stringMatching(/^error DTC3002 unknown column 'NoSuchColumn'/)]);
  });

  it('reports the left-out leg of a union inside a function body at the call of that function', () => {
    write('more/vAll.kql', 'union isfuzzy=true vEmpty, vGood, vTypo()\n');
    const ws = loadWorkspace({ noConfig: true, tablePaths: [join(dir, 'tables')], functionPaths: [join(dir, 'functions'), join(dir, 'more')] });
    const r = checkRuleText('rule.yaml', ruleYaml('vAll\n| project User'), { tables: ws.tables });
    expect(r.ir).toBeDefined();
    expect(messages(r)).toEqual([expect.stringMatching(/^warning DTC3017 in the body of vAll: union isfuzzy=true leaves out its leg vTypo, .* unknown name 'startime'/)]);
  });
});

describe('a union leg naming a workspace function without parentheses', () => {
  it('is a call of the function (its rows and columns), not an unknown table', () => {
    const r = check('union vEmpty, vGood\n| project User, Source');
    expect(messages(r)).toEqual([]);
    expect(r.ir!.body.schema.map((c) => c.name)).toEqual(['User', 'Source']);
    const rows = compileQuery(r.ir!).run({ Good_CL: [{ TimeGenerated: '2025-03-01T11:00:00Z', user_s: 'amy' }] }, { now: Date.parse('2025-03-01T12:00:00Z') }).rows;
    expect(rows).toEqual([{ User: 'amy', Source: 'good' }]);
  });

  it('in a fuzzy union, is not silently left out as a missing table', () => {
    const r = check('union isfuzzy=true vEmpty\n| project User, Source');
    expect(messages(r)).toEqual([]);
    expect(r.ir!.body.schema.map((c) => c.name)).toEqual(['User', 'Source']);
  });
});

describe('user-defined functions: tabular or scalar from the parsed body', () => {
  it('a body whose last statement is a union (no pipe) after lets returns a table', () => {
    const r = check('let Generic = (n:long = 1) {\n  let x = n;\n  union isfuzzy=true vEmpty, vGood\n};\nGeneric(2)\n| project User');
    expect(messages(r)).toEqual([]);
    expect(r.ir!.body.schema.map((c) => c.name)).toEqual(['User']);
  });

  it('a body ending in an inner tabular let returns a table; one ending in an expression is scalar', () => {
    const r = check('let lastUsers = () { let t = vGood | where User != ""; t };\nlet twice = (n:long) { n * 2 };\nlastUsers\n| extend k = twice(3)\n| project User, k');
    expect(messages(r)).toEqual([]);
    expect(r.ir!.body.schema).toEqual([{ name: 'User', type: 'string' }, { name: 'k', type: 'long' }]);
  });
});

describe('union legs naming user-defined functions (the view pattern of Sentinel parsers)', () => {
  it('a function named without parentheses is called, as Kusto.Language accepts', () => {
    const r = check('let good = () { vGood | where User != "" };\nlet other = view () { print User = "p", Source = "print" };\nunion good, other\n| project User, Source');
    expect(messages(r)).toEqual([]);
    const rows = compileQuery(r.ir!).run({ Good_CL: [{ TimeGenerated: '2025-03-01T11:00:00Z', user_s: 'amy' }] }, { now: Date.parse('2025-03-01T12:00:00Z') }).rows;
    expect(rows).toEqual([{ User: 'amy', Source: 'good' }, { User: 'p', Source: 'print' }]);
  });

  it("in a workspace function's fuzzy union, one reading a table the workspace lacks is left out with a warning", () => {
    write('views/vViews.kql', 'let missing = () { Missing_CL | project User = user_s };\nlet good = () { vGood };\nunion isfuzzy=true missing, good\n');
    const ws = loadWorkspace({ noConfig: true, tablePaths: [join(dir, 'tables')], functionPaths: [join(dir, 'functions'), join(dir, 'views')] });
    const r = checkRuleText('rule.yaml', ruleYaml('vViews\n| project User'), { tables: ws.tables });
    expect(messages(r)).toEqual([expect.stringMatching(/^warning DTC3017 in the body of vViews: union isfuzzy=true leaves out its leg missing, as Kusto leaves out a leg that does not resolve: in the body of missing: unknown table 'Missing_CL'/)]);
    expect(emitKql(r.ir!).split('\n')[0]).toBe('vViews');
  });

  it("in the rule's own fuzzy union, the same leg is an error: its KQL inlines the functions it defines, so it could not keep the leg", () => {
    const r = check('let missing = () { Missing_CL | project User = user_s };\nlet good = () { vGood };\nunion isfuzzy=true missing, good\n| project User');
    expect(r.ir).toBeUndefined();
    expect(messages(r)).toEqual([expect.stringMatching(/^error DTC3014 in the body of missing: unknown table 'Missing_CL'/)]);
  });

  it("in a fuzzy union, one whose body has another error is the query's error", () => {
    const r = check('let broken = () { vGood | where NoSuchColumn == 1 };\nlet good = () { vGood };\nunion isfuzzy=true broken, good\n| project User');
    expect(r.ir).toBeUndefined();
    expect(messages(r)).toEqual([expect.stringMatching(/^error DTC3014 in the body of broken: unknown column 'NoSuchColumn'/)]);
  });
});

describe('a function file that only declares its function (let Name = (params) { body };)', () => {
  it('is read as that function, by the let name and the file name, with its parameters and defaults', () => {
    write('declared/Assigned.txt', '// Deployed by its solution as UsersOf.\nlet UsersOf = (source:string, n:long = 1) {\n  vGood\n  | where Source == source\n  | take n\n};\n');
    const ws = loadWorkspace({ noConfig: true, tablePaths: [join(dir, 'tables')], functionPaths: [join(dir, 'functions'), join(dir, 'declared')] });
    expect(ws.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    for (const query of ['UsersOf("good")\n| project User', 'Assigned("good", 5)\n| project User']) {
      const r = checkRuleText('rule.yaml', ruleYaml(query), { tables: ws.tables });
      expect(messages(r)).toEqual([]);
      const rows = compileQuery(r.ir!).run({ Good_CL: [{ TimeGenerated: '2025-03-01T11:00:00Z', user_s: 'amy' }, { TimeGenerated: '2025-03-01T11:00:00Z', user_s: 'bob' }] }, { now: Date.parse('2025-03-01T12:00:00Z') }).rows;
      expect(rows.length).toBe(query.startsWith('UsersOf') ? 1 : 2);
    }
    // A problem in the body is reported at its line in the file.
    write('declared2/Broken.txt', 'let Broken = () {\n  vGood\n  | where NoSuch == 1\n};\n');
    const broken = loadWorkspace({ noConfig: true, tablePaths: [join(dir, 'tables')], functionPaths: [join(dir, 'functions'), join(dir, 'declared2')] });
    const r = checkRuleText('rule.yaml', ruleYaml('Broken()'), { tables: broken.tables });
    expect(messages(r)).toEqual([expect.stringMatching(/^error DTC3014 workspace function Broken \(.*Broken\.txt:3\) does not compile: unknown column 'NoSuch'/)]);
  });
});

describe("Microsoft's own typo in vimDnsInfobloxNIOS (`parser(startime=starttime, ...)`)", () => {
  it('Kusto.Language rejects it too (KS196), so detc reports it where the parser is called directly, with the file, line and the fix', () => {
    const file = join(__dirname, '..', '..', '..', 'shared', 'corpus', 'sentinel-parsers', 'ASimDns__vimDnsInfobloxNIOS.yaml');
    const ws = loadWorkspace({ noConfig: true, functionPaths: [file] });
    const f = [...(functionsOf(ws.tables).values())][0]!;
    const kusto = kustoDiagnostics(f.body!, ws.tables).filter((d) => d.code === 'KS196');
    expect(kusto.map((d) => [d.message, f.body!.slice(d.start, d.end)])).toEqual([['The argument name does not refer to a declared parameter.', 'startime']]);
    const r = checkRuleText('rule.yaml', ruleYaml('vimDnsInfobloxNIOS(starttime=ago(1d))\n| project DnsQuery'), { tables: ws.tables });
    expect(messages(r)).toEqual([expect.stringMatching(/^error DTC3014 workspace function vimDnsInfobloxNIOS \(.*ASimDns__vimDnsInfobloxNIOS\.yaml:189\) does not compile: unknown name 'startime' \(not a parameter of parser \(did you mean 'starttime'\?\)/)]);
  });
});

describe('a fuzzy union none of whose legs resolves', () => {
  it('is an error that says so and how to declare a table, after a warning per leg (not a list of every known table)', () => {
    write('none/vNone.kql', 'let a = () { MissingA_CL };\nlet b = () { MissingB_CL };\nunion isfuzzy=true a, b\n');
    const ws = loadWorkspace({ noConfig: true, tablePaths: [join(dir, 'tables')], functionPaths: [join(dir, 'functions'), join(dir, 'none')] });
    const r = checkRuleText('rule.yaml', ruleYaml('union isfuzzy=true Missing_CL, Missing2_CL'), { tables: ws.tables });
    expect(messages(r)).toEqual([expect.stringMatching(/^error DTC3001 unknown table 'Missing_CL, Missing2_CL' \(isfuzzy=true leaves out missing tables and legs that do not resolve, but no leg is left\); detc knows \d+ tables .*--tables FILE\|DIR/)]);
    expect(messages(r)[0]!.length).toBeLessThan(600);
    const body = checkRuleText('rule.yaml', ruleYaml('vNone()'), { tables: ws.tables });
    expect(messages(body)).toEqual([expect.stringMatching(/^error DTC3014 workspace function vNone \(.*vNone\.kql:3\) does not compile: unknown table 'a, b' \(isfuzzy=true leaves out missing tables and legs that do not resolve, but no leg is left\)/)]);
  });
});
