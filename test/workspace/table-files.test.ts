import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { formatDiagnostic } from '../../src/diagnostics/format.js';
import { readTableFile, readTablePaths } from '../../src/workspace/table-files.js';
import { loadWorkspace } from '../../src/workspace/workspace.js';
import { readFunctionFile } from '../../src/workspace/function-files.js';
import { readWatchlistFile } from '../../src/workspace/watchlists.js';
import { readConfigFile } from '../../src/workspace/config.js';
import { capture, ruleYaml } from '../helpers.js';

const SENTINEL = join(__dirname, '..', '..', '..', 'shared', 'schemas', 'sentinel-validation', 'CustomTables');
const FIXTURES = join(__dirname, 'fixtures', 'tables');
const dir = mkdtempSync(join(tmpdir(), 'detc-tables-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A file in the temporary folder. */
function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

const one = (file: string) => {
  const r = readTableFile(file);
  expect(r.diagnostics.map((d) => formatDiagnostic(d))).toEqual([]);
  expect(r.tables).toHaveLength(1);
  return { name: r.tables[0]!.name, columns: Object.fromEntries(r.tables[0]!.columns.map((c) => [c.name, c.type])) };
};
/** `line:col message` of each diagnostic of a file that must not load. */
const problems = (file: string) => {
  const r = readTableFile(file);
  expect(r.tables).toEqual([]);
  return r.diagnostics.map((d) => `${d.start ? `${d.start.line}:${d.start.col} ` : ''}${d.message}`);
};

describe("Sentinel's KQL-validation table files, as they are in the Azure-Sentinel repository", () => {
  it('reads a file with a byte order mark and .NET type names (SByte is bool, Double is real)', () => {
    const t = one(join(SENTINEL, 'VectraStream_CL.json'));
    expect(t.name).toBe('VectraStream_CL');
    expect(Object.keys(t.columns)).toHaveLength(213);
    expect([t.columns.TimeGenerated, t.columns.tls_b, t.columns.dir_confidence_d, t.columns.TenantId]).toEqual(['datetime', 'bool', 'real', 'string']);
  });

  it('reads a file with trailing commas', () => {
    const t = one(join(SENTINEL, 'GitLabAccess.json'));
    expect(t.name).toBe('GitLabAccess');
    expect(Object.keys(t.columns)).toHaveLength(10);
    expect(t.columns.UserAgent).toBe('string');
  });

  it('reads lower-case "name" for the table and lower-case "name"/"type" for columns', () => {
    expect(one(join(SENTINEL, 'AliCloud_CL.json')).name).toBe('AliCloud_CL');
    const t = one(join(SENTINEL, 'AADServicePrincipalSignInLogs.json'));
    expect([t.name, t.columns.TimeGenerated, t.columns.TenantId]).toEqual(['AADServicePrincipalSignInLogs', 'datetime', 'string']);
  });

  it("reads a column copied with the portal's datetime suffix ('surfaced_auth_isotimestamp_t [UTC]') by its name, as queries write it", () => {
    // Custom-log column names are letters, digits and underscores; ' [UTC]' / ' [Local Time]' is how the
    // Log Analytics portal labels a datetime column in its results and CSV export, not part of the name.
    const t = one(join(SENTINEL, 'CiscoDuo_CL.json'));
    expect([t.columns.surfaced_auth_isotimestamp_t, t.columns.isotimestamp_t]).toEqual(['string', 'string']);
    expect(Object.keys(t.columns).filter((n) => n.includes('['))).toEqual([]);
    const local = one(write('Portal_CL.json', '{"Name": "Portal_CL", "Properties": [{"Name": "TimeGenerated [UTC]", "Type": "DateTime"}, {"Name": "Seen_t [Local Time]", "Type": "DateTime"}, {"Name": "Note_s", "Type": "String"}]}'));
    expect(local.columns).toEqual({ TimeGenerated: 'datetime', Seen_t: 'datetime', Note_s: 'string' });
  });

  it('reads the whole folder without an error; tables it shares with the built-in catalog are warnings', () => {
    const ws = loadWorkspace({ tablePaths: [SENTINEL], noConfig: true });
    expect(ws.diagnostics.filter((d) => d.severity === 'error').map((d) => formatDiagnostic(d))).toEqual([]);
    const replaced = ws.diagnostics.map((d) => d.message).filter((m) => m.includes("replaces detc's built-in table"));
    expect(replaced.length).toBeGreaterThan(0);
    expect(replaced).toContainEqual(expect.stringMatching(/^table AzureDiagnostics replaces/));
    const files = readdirSync(SENTINEL).filter((f) => f.endsWith('.json')).length;
    expect(readTablePaths([{ path: SENTINEL }]).tables).toHaveLength(files);
    expect(ws.tables.get('VectraStream_CL')!.columns.some((c) => c.name === '_ResourceId')).toBe(true); // standard columns added
  });
});

describe('`T | getschema` output and detc\'s own format', () => {
  it('reads getschema exported as CSV (quoted, CRLF, BOM); the file names the table', () => {
    const t = one(join(FIXTURES, 'MyApp_CL.csv'));
    expect(t).toEqual({
      name: 'MyApp_CL',
      columns: { TenantId: 'string', TimeGenerated: 'datetime', UserName_s: 'string', LoginCount_d: 'real', Success_b: 'bool', Details_s: 'string', Extra_d: 'dynamic', Type: 'string' },
    });
  });

  it('reads getschema exported as a JSON array', () => {
    const t = one(join(FIXTURES, 'MyAudit_CL.json'));
    expect(t).toEqual({ name: 'MyAudit_CL', columns: { TimeGenerated: 'datetime', Actor_s: 'string', Action_s: 'string', Duration_d: 'timespan', Bytes_d: 'long', Id_g: 'guid' } });
  });

  it('reads getschema with DataType only (System.* names)', () => {
    const file = write('Legacy_CL.csv', 'ColumnName,ColumnOrdinal,DataType\nTimeGenerated,0,System.DateTime\nCount_d,1,System.Int32\nFlag_b,2,System.Boolean\n');
    expect(one(file).columns).toEqual({ TimeGenerated: 'datetime', Count_d: 'int', Flag_b: 'bool' });
  });

  it("reads detc's own format", () => {
    expect(one(join(FIXTURES, 'Contoso_CL.json'))).toEqual({ name: 'Contoso_CL', columns: { TimeGenerated: 'datetime', Account_s: 'string', Attempts_d: 'real' } });
  });
});

describe('a malformed table file is a diagnostic with the file and position, never a crash', () => {
  it('a JSON syntax error', () => {
    const file = write('Broken_CL.json', '{\n  "Name": "Broken_CL",\n  "Properties": [\n    { "Name": "A" "Type": "String" }\n  ]\n}\n');
    const [p] = problems(file);
    expect(p).toMatch(/^4:\d+ syntax error: /);
  });

  it('an unknown column type, at the type', () => {
    const file = write('BadType_CL.json', '{\n  "Name": "BadType_CL",\n  "Properties": [\n    { "Name": "A", "Type": "String" },\n    { "Name": "B", "Type": "Strnig" }\n  ]\n}\n');
    expect(problems(file)).toEqual(['5:28 column B has an unknown type "Strnig"']);
  });

  it('a column declared twice is read once (Sentinel\'s files do it), with a warning if the types differ; a missing column name', () => {
    const same = readTableFile(join(SENTINEL, 'ProofpointPOD.json'));
    // Same type twice (EventVendor): silent. Real, then string (NetworkBytes): a warning.
    expect(same.diagnostics.map((d) => `${d.severity} ${d.message}`)).toContain('warning column NetworkBytes is declared again as string; its first type, real, is used');
    expect(same.diagnostics.every((d) => d.severity === 'warning' && !d.message.includes('EventVendor'))).toBe(true);
    expect(same.tables[0]!.columns.filter((c) => c.name === 'EventVendor')).toHaveLength(1);
    const dup = readTableFile(write('Dup_CL.json', '[{"ColumnName": "A", "ColumnType": "string"},\n {"ColumnName": "A", "ColumnType": "long"}]'));
    expect(dup.tables[0]!.columns).toEqual([{ name: 'A', type: 'string' }]);
    expect(dup.diagnostics.map((d) => `${d.severity} ${d.start!.line}:${d.start!.col} ${d.message}`)).toEqual(['warning 2:36 column A is declared again as long; its first type, string, is used']);
    const noName = write('NoName_CL.json', '{"Name": "NoName_CL", "Properties": [{"Type": "string"}]}');
    expect(problems(noName)).toEqual(['1:38 a column needs a name (a string)']);
  });

  it('JSON that is not a table schema says which formats are accepted', () => {
    const file = write('Other.json', '{\n  "tables": []\n}\n');
    const r = readTableFile(file);
    expect(r.diagnostics[0]!.message).toBe('not a table schema: no "columns" or "Properties" key (keys: tables)');
    expect(r.diagnostics[0]!.hint).toMatch(/getschema/);
  });

  it('a CSV with an unclosed quote, at the quote; a CSV that is not getschema output', () => {
    expect(problems(write('Quote_CL.csv', 'ColumnName,ColumnType\nA,string\n"B,string\n'))).toEqual(['3:1 a quoted field is not closed (a " is missing)']);
    expect(problems(write('Header_CL.csv', 'name,type\nA,string\n'))).toEqual([
      "1:1 not `getschema` output: the first row must name the columns ColumnName and ColumnType (or DataType), got 'name,type'",
    ]);
    expect(problems(write('Kind_CL.csv', 'ColumnName,ColumnType\nA,string\nB,text\n'))).toEqual(['3:3 column B has an unknown ColumnType "text"']);
  });

  it('getschema output in a file whose name is not a table name', () => {
    const r = readTableFile(write('query_data (3).csv', 'ColumnName,ColumnType\nA,string\n'));
    expect(r.diagnostics[0]!.message).toMatch(/the file's name must: 'query_data \(3\)\.csv' is not a table name/);
  });

  it('through the command line: exit 2, file:line:col, no stack trace', async () => {
    const bad = join(dir, 'bad-folder');
    mkdirSync(bad);
    writeFileSync(join(bad, 'X_CL.json'), '{"Name": "X_CL", "Properties": [{"Name": "A", "Type": "Nope"}]}');
    const rule = write('rule.yaml', ruleYaml('X_CL | take 1'));
    const io = capture();
    expect(await main(['check', rule, '--tables', bad, '--no-config'], io)).toBe(2);
    expect(io.stderr).toContain(`${join(bad, 'X_CL.json')}:1:55: error DTC7002: column A has an unknown type "Nope"`);
    expect(io.stderr).not.toMatch(/\n\s+at /);
    const missing = capture();
    expect(await main(['check', rule, '--tables', join(dir, 'nothing-here'), '--no-config'], missing)).toBe(2);
    expect(missing.stderr).toContain('cannot read the table path');
  });
});

describe('--tables on the command line', () => {
  it('a rule over a user table checks, and runs its tests, with the table given as a file or a folder', async () => {
    const tests = 'tests:\n  - name: two attempts\n    now: 2025-03-01T12:00:00Z\n    events: [{"TimeGenerated": "2025-03-01T11:00:00Z", "UserName_s": "bob", "Success_b": false}, {"TimeGenerated": "2025-03-01T11:05:00Z", "UserName_s": "bob", "Success_b": false}]\n    expect:\n      rows: [{"UserName_s": "bob", "Failures": 2}]\n';
    const rule = write('myapp.yaml', ruleYaml('MyApp_CL\n| where Success_b == false\n| summarize Failures = count() by UserName_s', tests));
    const unknown = capture();
    expect(await main(['check', rule, '--target', 'kql', '--no-config'], unknown)).toBe(1);
    expect(unknown.stderr).toContain("unknown table 'MyApp_CL'");
    for (const path of [join(FIXTURES, 'MyApp_CL.csv'), FIXTURES]) {
      const io = capture();
      expect(await main(['check', rule, '--target', 'kql', '--tables', path, '--no-config'], io), io.stdout + io.stderr).toBe(0);
      const tested = capture();
      expect(await main(['test', `--tables=${path}`, rule, '--no-config'], tested), tested.stdout + tested.stderr).toBe(0);
      expect(tested.stdout).toContain('1 passed, 0 failed');
    }
  });

  it('a user table that redefines a built-in one wins, with a warning', async () => {
    const own = write('Syslog.csv', 'ColumnName,ColumnType\nTimeGenerated,datetime\nOnlyMine,string\n');
    const rule = write('syslog.yaml', ruleYaml('Syslog\n| where OnlyMine == "x"'));
    const io = capture();
    expect(await main(['check', rule, '--target', 'kql', '--tables', own, '--no-config'], io)).toBe(0);
    expect(io.stderr).toContain(`${own}: warning DTC7003: table Syslog replaces detc's built-in table of that name`);
  });

  it('the later of two user files declaring a table wins, with a warning naming both', () => {
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    mkdirSync(a);
    mkdirSync(b);
    writeFileSync(join(a, 'Dup_CL.csv'), 'ColumnName,ColumnType\nFirst,string\n');
    writeFileSync(join(b, 'Dup_CL.csv'), 'ColumnName,ColumnType\nSecond,string\n');
    const ws = loadWorkspace({ tablePaths: [a, b], noConfig: true });
    expect(ws.tables.get('Dup_CL')!.columns[0]!.name).toBe('Second');
    expect(ws.diagnostics.map((d) => d.message)).toEqual([`table Dup_CL is declared again here; this one is used, not the one in ${join(a, 'Dup_CL.csv')}`]);
  });
});

describe('a workspace file that cannot be read', () => {
  it('is a diagnostic naming the file, its kind and the reason, for table, function, watchlist and config files', () => {
    const folder = join(dir, 'a-folder.json');
    mkdirSync(folder, { recursive: true });
    const problem = (d: { code: string; file?: string; message: string }) => [d.code, d.file, d.message];
    expect(problem(readTableFile(folder).diagnostics[0]!)).toEqual(['DTC7002', folder, 'cannot read the table file: EISDIR']);
    expect(problem(readFunctionFile(folder).diagnostics[0]!)).toEqual(['DTC7004', folder, 'cannot read the function file: EISDIR']);
    const watchlist = readWatchlistFile(folder);
    expect('diagnostic' in watchlist && problem(watchlist.diagnostic)).toEqual([expect.any(String), folder, 'cannot read the watchlist file: EISDIR']);
    expect(problem(readConfigFile(folder).diagnostics[0]!)).toEqual([expect.any(String), folder, 'cannot read the config file: EISDIR']);
  });
});
