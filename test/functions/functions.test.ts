/**
 * Workspace functions (--functions), user-defined functions, named arguments, query parameters and
 * watchlists (--watchlists): read from the formats users have, bound (the output schema from the
 * body), written to KQL as called (checked by Kusto.Language), run in JS from the underlying
 * tables' events or from events of the function's own name, and inlined or refused in AQL.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileQuery } from '../../src/backends/js/compile.js';
import { emitKql } from '../../src/backends/kql/emit.js';
import { kustoDiagnostics } from '../../src/backends/kql/kusto.js';
import { main } from '../../src/cli/main.js';
import { checkRuleText } from '../../src/compile.js';
import type { TableCatalog } from '../../src/ir/tables.js';
import { readFunctionFile } from '../../src/workspace/function-files.js';
import { readWatchlistFile } from '../../src/workspace/watchlists.js';
import { loadWorkspace } from '../../src/workspace/workspace.js';
import { portableIr, restoreIr } from '../../src/ir/portable.js';
import { functionReadBy, inlineFunctionBody } from '../../src/ir/functions.js';
import { capture, ruleYaml } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'detc-functions-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const write = (path: string, text: string): string => {
  const file = join(dir, path);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, text);
  return file;
};

const NOW = Date.parse('2025-03-01T12:00:00Z');

/** A workspace: one custom table, functions of every format, a watchlist. */
let tables: TableCatalog;
beforeAll(() => {
  write('tables/Duo_CL.json', JSON.stringify({ Name: 'Duo_CL', Properties: [{ Name: 'user_s', Type: 'String' }, { Name: 'result_s', Type: 'String' }, { Name: 'ip_s', Type: 'String' }] }));
  write(
    'functions/DuoEvents.kql',
    '// Save as function, alias as DuoAlias.\n// Leading comments are not the body.\nDuo_CL\n| project-rename User = user_s, Result = result_s, SrcIp = ip_s\n| extend Vendor = "Duo"\n',
  );
  write(
    'functions/imDuo.yaml',
    [
      'ParserName: imDuo',
      'EquivalentBuiltInParser: _Im_Duo',
      'ParserParams:',
      '  - Name: starttime',
      '    Type: datetime',
      '    Default: datetime(null)',
      '  - Name: result',
      '    Type: string',
      "    Default: '*'",
      'ParserQuery: |',
      '  DuoEvents',
      '  | where (isnull(starttime) or TimeGenerated >= starttime) and (result == "*" or Result == result)',
      '',
    ].join('\n'),
  );
  write('functions/RecentDuo.yaml', ['FunctionName: RecentDuo', 'FunctionParams:', '  - Name: user', '    Type: string', 'FunctionQuery: |', '  DuoEvents | where User == user', ''].join('\n'));
  write(
    'functions/_Im_Vendor.json',
    JSON.stringify({ FunctionName: '_Im_Vendor', FunctionParameters: [{ Name: 'starttime', Type: 'datetime', IsRequired: false }], FunctionResultColumns: [{ Name: 'TimeGenerated', Type: 'datetime' }, { Name: 'Actor', Type: 'string' }] }),
  );
  write('functions/LoopA.kql', 'LoopB | take 1\n');
  write('functions/LoopB.kql', 'LoopA | take 1\n');
  write('watchlists/HighValueAssets.csv', 'Hostname,Owner\r\ndc1,it\r\n"web,1",web team\r\n');
  const ws = loadWorkspace({ noConfig: true, tablePaths: [join(dir, 'tables')], functionPaths: [join(dir, 'functions')], watchlistPaths: [join(dir, 'watchlists')] });
  expect(ws.diagnostics).toEqual([]);
  tables = ws.tables;
});

const check = (query: string) => checkRuleText(join(dir, 'rule.yaml'), ruleYaml(query), { tables });
const compiled = (query: string) => {
  const r = check(query);
  expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual([]);
  return r.ir!;
};
const run = (query: string, input: Parameters<ReturnType<typeof compileQuery>['run']>[0]) => compileQuery(compiled(query)).run(input, { now: NOW }).rows;

const duoEvents = [
  { TimeGenerated: '2025-03-01T11:00:00Z', user_s: 'bob', result_s: 'denied', ip_s: '203.0.113.9' },
  { TimeGenerated: '2025-02-01T11:00:00Z', user_s: 'amy', result_s: 'denied', ip_s: '198.51.100.1' },
  { TimeGenerated: '2025-03-01T11:30:00Z', user_s: 'eve', result_s: 'allowed', ip_s: '192.0.2.4' },
];

describe('function files', () => {
  it('a KQL body file: named by its stem and by the alias its comments give, its comments kept out of nothing', () => {
    const r = readFunctionFile(join(dir, 'functions/DuoEvents.kql'));
    expect(r.diagnostics).toEqual([]);
    expect(r.functions.map((f) => f.name)).toEqual(['DuoEvents', 'DuoAlias']);
    expect(r.functions[0]!.params).toEqual([]);
    expect(r.functions[0]!.body).toContain('Duo_CL\n| project-rename');
  });

  it('a corpus-style stem <folder>__<name> names the function by <name>', () => {
    const file = write('other/CiscoDuoSecurity__MyDuo.txt', 'Duo_CL | take 1\n');
    expect(readFunctionFile(file).functions.map((f) => f.name)).toEqual(['MyDuo']);
  });

  it('a byte order mark is not part of a KQL body, nor of a YAML file (its first line\'s columns count without it)', () => {
    const kql = readFunctionFile(write('bom/WithBom.kql', '\ufeffDuo_CL | take 1\n')).functions[0]!;
    expect(kql.body).toBe('Duo_CL | take 1\n');
    const where = (text: string) => readFunctionFile(write('bom/bad.yaml', text)).diagnostics.map((d) => [d.start, d.end]);
    expect(where('\ufeffFunctionName: x\n  y: [1\nFunctionQuery: T\n')).toEqual(where('FunctionName: x\n  y: [1\nFunctionQuery: T\n'));
    expect(where('\ufeffFunctionName: x\n  y: [1\nFunctionQuery: T\n')[0]![0]).toMatchObject({ line: 1 });
    const good = readFunctionFile(write('bom/good.yaml', '\ufeffFunctionName: Good\nFunctionQuery: T | take 1\n'));
    expect(good.functions.map((f) => f.name)).toEqual(['Good']);
  });

  it('ASIM parser YAML: both names, parameters with their defaults as KQL, the body', () => {
    const r = readFunctionFile(join(dir, 'functions/imDuo.yaml'));
    expect(r.functions.map((f) => f.name)).toEqual(['imDuo', '_Im_Duo']);
    expect(r.functions[0]!.params).toEqual([
      { name: 'starttime', type: 'datetime', default: 'datetime(null)' },
      { name: 'result', type: 'string', default: '"*"' },
    ]);
  });

  it('Sentinel function YAML and signature-only JSON', () => {
    expect(readFunctionFile(join(dir, 'functions/RecentDuo.yaml')).functions[0]).toMatchObject({ name: 'RecentDuo', params: [{ name: 'user', type: 'string' }] });
    const sig = readFunctionFile(join(dir, 'functions/_Im_Vendor.json')).functions[0]!;
    expect(sig.body).toBeUndefined();
    expect(sig.params).toEqual([{ name: 'starttime', type: 'datetime', default: 'datetime(null)' }]);
    expect(sig.columns).toEqual([{ name: 'TimeGenerated', type: 'datetime' }, { name: 'Actor', type: 'string' }]);
  });

  it('a malformed function file is a diagnostic with file, line and column, never a crash', () => {
    const bad = write('bad/bad.yaml', 'ParserName: x\nParserParams:\n  - Name: a\n    Type: nonsense\nParserQuery: T\n');
    const r = readFunctionFile(bad);
    expect(r.functions).toEqual([]);
    expect(r.diagnostics[0]).toMatchObject({ code: 'DTC7004', file: bad, start: { line: 3 } });
    expect(r.diagnostics[0]!.message).toContain('ParserParams[0] needs a Name and a known Type');
    const syntax = write('bad/syntax.yaml', 'FunctionName: [x\nFunctionQuery: T\n');
    expect(readFunctionFile(syntax).diagnostics[0]).toMatchObject({ code: 'DTC7004', file: syntax });
    const none = write('bad/none.json', '{"Name": "T"}');
    expect(readFunctionFile(none).diagnostics[0]!.message).toMatch(/not a function file/);
  });

  it('the CLI stops on a missing functions path, naming it (exit 2)', async () => {
    const io = capture();
    expect(await main(['check', write('r1.yaml', ruleYaml('Syslog | take 1')), '--no-config', '--functions', join(dir, 'missing')], io)).toBe(2);
    expect(io.stderr).toContain(`cannot read the functions path ${join(dir, 'missing')}: ENOENT`);
  });
});

describe('binding calls', () => {
  it('without parentheses: the output schema is bound from the body', () => {
    const ir = compiled('DuoEvents | where Result == "denied" | project User, SrcIp, Vendor');
    expect(ir.body.schema.map((c) => c.name)).toEqual(['User', 'SrcIp', 'Vendor']);
    expect(ir.tables).toEqual(['Duo_CL']);
  });

  it("a misspelt column of a function's output gets did-you-mean", () => {
    expect(check('DuoEvents | where Reslt == "denied"').diagnostics.map((d) => d.message)).toEqual(["unknown column 'Reslt' (did you mean 'Result'?)"]);
  });

  it('positional and named arguments, defaults, and functions calling functions', () => {
    const denied = run('_Im_Duo(result="denied") | project User', { Duo_CL: duoEvents });
    expect(denied).toEqual([{ User: 'bob' }, { User: 'amy' }]);
    const recent = run('_Im_Duo(datetime(2025-03-01), "denied") | project User', { Duo_CL: duoEvents });
    expect(recent).toEqual([{ User: 'bob' }]);
    const named = run('imDuo(starttime=ago(2h)) | project User', { Duo_CL: duoEvents });
    expect(named).toEqual([{ User: 'bob' }, { User: 'eve' }]);
  });

  it('a required parameter without a value, an unknown named argument, too many arguments', () => {
    expect(check('RecentDuo | take 1').diagnostics[0]!.message).toBe('RecentDuo needs a value for its parameter user (string), which has no default');
    expect(check('imDuo(strttime=now()) | take 1').diagnostics[0]!.message).toMatch(/^unknown name 'strttime' \(not a parameter of imDuo \(did you mean 'starttime'\?\)/);
    expect(check('RecentDuo("a", "b") | take 1').diagnostics[0]!.message).toBe('RecentDuo expects at most 1 argument(s), got 2');
  });

  it('a cycle of functions is a diagnostic naming the chain', () => {
    const d = check('LoopA | take 1').diagnostics;
    expect(d).toHaveLength(1);
    expect(d[0]!.message).toMatch(/does not compile: function LoopA calls itself \(LoopA -> LoopB -> LoopA\)/);
  });

  it('a signature-only function has its declared columns', () => {
    expect(compiled('_Im_Vendor(starttime=ago(1d)) | project Actor').body.schema).toEqual([{ name: 'Actor', type: 'string' }]);
  });

  it('an unknown table or function says how to declare it', () => {
    const [table] = check('NoSuchParser | take 1').diagnostics;
    expect(table!.message).toMatch(/--tables FILE\|DIR.*--functions FILE\|DIR or under functions: in detc\.config\.yaml/);
    const [fn] = check('NoSuchParser(1) | take 1').diagnostics;
    expect(fn!.message).toMatch(/^unknown function 'NoSuchParser'.*--functions FILE\|DIR/);
  });
});

describe('targets', () => {
  it('KQL keeps the call as written, and Kusto.Language, told the functions, has no diagnostics', () => {
    for (const q of ['DuoEvents | where Result == "denied"', '_Im_Duo(starttime=ago(1d), result="denied") | project User', '_Im_Vendor(starttime=ago(1d)) | project Actor', "_GetWatchlist('HighValueAssets') | project Hostname, SearchKey"]) {
      const kql = emitKql(compiled(q));
      expect(kql.split('\n')[0]).toBe(q.split(' |')[0]);
      expect(kql).not.toContain('let ');
      expect(kustoDiagnostics(kql, tables)).toEqual([]);
    }
  });

  it("JS runs the body over the table's events, or takes events keyed by the function's name", () => {
    const q = 'DuoEvents | where Result == "denied" | project User';
    expect(run(q, { Duo_CL: duoEvents })).toEqual([{ User: 'bob' }, { User: 'amy' }]);
    // Normalized events given as the function's output: the body does not run.
    expect(run(q, { Duo_CL: duoEvents, DuoEvents: [{ User: 'zed', Result: 'denied' }] })).toEqual([{ User: 'zed' }]);
    // In one stream, events whose Type is the function's name are its output; the others its tables'.
    expect(run(q, [...duoEvents, { Type: 'DuoEvents', User: 'kim', Result: 'denied' }])).toEqual([{ User: 'kim' }]);
    expect(run(q, duoEvents)).toEqual([{ User: 'bob' }, { User: 'amy' }]);
  });

  it("a built JS module keeps the watchlist's items and reads a function's output from events of its name", () => {
    const viaModule = (query: string, input: Parameters<ReturnType<typeof compileQuery>['run']>[0]) =>
      compileQuery(restoreIr(JSON.parse(JSON.stringify(portableIr(compiled(query)))))).run(input, { now: NOW }).rows;
    expect(viaModule("_GetWatchlist('HighValueAssets') | project Owner", [])).toEqual([{ Owner: 'it' }, { Owner: 'web team' }]);
    expect(viaModule('DuoEvents | project User', { DuoEvents: [{ User: 'zed' }] })).toEqual([{ User: 'zed' }]);
  });

  it('for AQL, a body read as the query\'s source is merged into it; a function read elsewhere (a join) stays a let, named by functionReadBy', () => {
    write('functions3/FailedSignins.kql', 'SigninLogs\n| where ResultType != "0"\n');
    write('functions3/GoodSignins.kql', 'SigninLogs\n| where ResultType == "0"\n');
    const ws = loadWorkspace({ noConfig: true, functionPaths: [join(dir, 'functions3')] });
    const ir = (query: string) => inlineFunctionBody(checkRuleText(join(dir, 'c.yaml'), ruleYaml(query), { tables: ws.tables }).ir!);
    const merged = ir('FailedSignins\n| project UserPrincipalName');
    expect(merged.lets).toEqual([]);
    expect(functionReadBy(merged)).toBeUndefined();
    const joined = ir('FailedSignins\n| join kind=inner (GoodSignins | project UserPrincipalName) on UserPrincipalName\n| project UserPrincipalName');
    expect(joined.lets.map((l) => l.fromFunction)).toEqual(['GoodSignins']);
    expect(functionReadBy(joined)?.name).toBe('GoodSignins');
  });

  it('AQL inlines a body that translates, and names the function where it cannot', async () => {
    write('tables/SigninDuo.kql', '');
    write('functions2/FailedSignins.kql', 'SigninLogs\n| where ResultType != "0"\n');
    const ws = loadWorkspace({ noConfig: true, functionPaths: [join(dir, 'functions2')] });
    const inlined = checkRuleText(join(dir, 'a.yaml'), ruleYaml('FailedSignins\n| project UserPrincipalName'), { tables: ws.tables });
    expect(inlined.diagnostics).toEqual([]);
    const aqlRule = write('aql/a.yaml', ruleYaml('FailedSignins\n| project UserPrincipalName'));
    const out = join(dir, 'aql-out');
    const io = capture();
    expect(await main(['build', aqlRule, '--target', 'aql', '--out', out, '--no-config', '--functions', join(dir, 'functions2')], io), io.stdout + io.stderr).toBe(0);
    const aql = readFileSync(join(out, 'aql', 'a.aql'), 'utf8');
    expect(aql).toMatch(/SELECT/);
    expect(aql).not.toContain('FailedSignins');
    const refused = capture();
    const sigRule = write('aql/b.yaml', ruleYaml('_Im_Vendor | project Actor'));
    expect(await main(['check', sigRule, '--target', 'aql', '--no-config', '--functions', join(dir, 'functions')], refused)).toBe(1);
    expect(refused.stderr).toContain('workspace function _Im_Vendor cannot be inlined into AQL');
    // Not asked for by name, AQL skips the rule with a warning naming the function.
    const skipped = capture();
    expect(await main(['check', sigRule, '--no-kusto', '--no-config', '--functions', join(dir, 'functions')], skipped), skipped.stdout).toBe(0);
    expect(skipped.stderr).toContain('warning DTC5003: not compiled to QRadar AQL: workspace function _Im_Vendor cannot be inlined into AQL');
  });
});

describe('user-defined functions, named arguments and query parameters', () => {
  it('a tabular function with a typed parameter and a default', () => {
    const q = 'let Denied = (who:string, n:long = 5) { Duo_CL | where result_s == "denied" and user_s != who | take n };\nDenied("amy") | project user_s';
    expect(run(q, { Duo_CL: duoEvents })).toEqual([{ user_s: 'bob' }]);
    expect(run(q.replace('Denied("amy")', 'Denied(n=0, who="x")'), { Duo_CL: duoEvents })).toEqual([]);
    // KQL output is the expanded query, valid for Kusto.Language.
    expect(kustoDiagnostics(emitKql(compiled(q)), tables)).toEqual([]);
  });

  it('a scalar function, and a function using an earlier let', () => {
    const q = 'let suffix = "!";\nlet shout = (s:string) { strcat(toupper(s), suffix) };\nDuo_CL | where result_s == "allowed" | project Loud = shout(user_s)';
    expect(run(q, { Duo_CL: duoEvents })).toEqual([{ Loud: 'EVE!' }]);
    expect(kustoDiagnostics(emitKql(compiled(q)), tables)).toEqual([]);
  });

  it('a problem in a function body is reported at its place in the query', () => {
    const text = 'let f = (x:string) { Duo_CL | where nosuch == x };\nf("a")';
    const d = check(text).diagnostics;
    expect(d).toHaveLength(1);
    expect(d[0]!.message).toBe("in the body of f: unknown column 'nosuch'");
    // Query line 1, column 37 ("nosuch"): the rule file's line 9 (the query block starts after line 8), indented by 2.
    expect(d[0]!.start).toEqual({ line: 9, col: 39 });
  });

  // Parameter types are named as anywhere else in KQL: boolean, date and double are bool, datetime and real.
  it('parameter types take the same names as columns and datatable (boolean, date, double)', () => {
    const q = 'let f = (strict:boolean, since:date, w:double) { Duo_CL | where strict and TimeGenerated > since | extend weight = w };\nf(true, datetime(2025-01-01), 0.5) | project user_s, weight';
    expect(check(q).diagnostics).toEqual([]);
    expect(check('let f = (x:strng) { Duo_CL };\nf("a")').diagnostics[0]!.message).toBe("parameter x of f has unknown type 'strng'");
  });

  it("table(name) inside a function reads the table its argument names", () => {
    const q = 'let f = (t:string) { table(t) | where result_s == "denied" };\nf("Duo_CL") | project user_s';
    expect(run(q, { Duo_CL: duoEvents })).toEqual([{ user_s: 'bob' }, { user_s: 'amy' }]);
    expect(check('let f = (t:string) { table(t) };\nf("Nope_CL")').diagnostics[0]!.message).toMatch(/^in the body of f: unknown table 'Nope_CL'/);
  });

  it('declare query_parameters gives each parameter its default', () => {
    const q = 'declare query_parameters(who:string = "bob", unused:long);\nDuo_CL | where user_s == who | project user_s';
    expect(run(q, { Duo_CL: duoEvents })).toEqual([{ user_s: 'bob' }]);
  });
});

describe('watchlists', () => {
  it('a CSV: its header columns and the standard watchlist columns', () => {
    const r = readWatchlistFile(join(dir, 'watchlists/HighValueAssets.csv'));
    if (!('watchlist' in r)) throw new Error(r.diagnostic.message);
    expect(r.watchlist.columns.map((c) => c.name)).toEqual(['_DTItemId', 'LastUpdatedTimeUTC', 'SearchKey', 'WatchlistItem', 'Hostname', 'Owner']);
    expect(r.watchlist.rows[1]).toMatchObject({ Hostname: 'web,1', Owner: 'web team', SearchKey: 'web,1', WatchlistItem: { Hostname: 'web,1', Owner: 'web team' } });
  });

  it('JS reads the CSV: a join of events with the watchlist', () => {
    const q = "Duo_CL\n| where user_s in ((_GetWatchlist('HighValueAssets') | project Owner))\n| project user_s";
    expect(run(q, { Duo_CL: [...duoEvents, { user_s: 'it', result_s: 'x', TimeGenerated: '2025-03-01T11:00:00Z' }] })).toEqual([{ user_s: 'it' }]);
    expect(run("_GetWatchlist('HighValueAssets') | project SearchKey", [])).toEqual([{ SearchKey: 'dc1' }, { SearchKey: 'web,1' }]);
  });

  // Sentinel's _GetWatchlist reads the workspace's Watchlist table by alias, so an alias the
  // workspace lacks gives an empty table with the standard columns: a warning here, not an error
  // (ASIM's unifying parsers read _GetWatchlist('ASimDisabledParsers'), which most workspaces lack).
  it('an unknown watchlist is an empty watchlist with a warning that says how to give one; a malformed CSV names file and line', () => {
    const unknown = check("_GetWatchlist('Nope') | project SearchKey, _DTItemId");
    expect(unknown.diagnostics.map((d) => [d.code, d.severity])).toEqual([['DTC3016', 'warning']]);
    expect(unknown.diagnostics[0]!.message).toMatch(/^watchlist 'Nope' is not given: read as an empty watchlist, .*give watchlists as <alias>\.csv files with --watchlists DIR/);
    expect(run("_GetWatchlist('Nope') | project SearchKey", [])).toEqual([]);
    expect(check("_GetWatchlist('Nope') | project Hostname").diagnostics.some((d) => d.code === 'DTC3002' && d.severity === 'error')).toBe(true);
    const bad = write('badwl/Bad.csv', 'a,b\n1,2,3\n');
    const r = readWatchlistFile(bad);
    expect('diagnostic' in r && r.diagnostic).toMatchObject({ code: 'DTC7005', file: bad, start: { line: 2 } });
  });

  it('AQL has no watchlists: an explicit error naming the call', async () => {
    const rule = write('wl/r.yaml', ruleYaml("_GetWatchlist('HighValueAssets') | project Hostname"));
    const io = capture();
    expect(await main(['check', rule, '--target', 'aql', '--no-config', '--watchlists', join(dir, 'watchlists')], io)).toBe(1);
    expect(io.stderr).toContain("workspace function _GetWatchlist cannot be inlined into AQL");
  });
});
