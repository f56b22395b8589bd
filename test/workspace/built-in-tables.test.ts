import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tablesReferenced } from '../../src/backends/kql/kusto.js';
import { main } from '../../src/cli/main.js';
import { checkRuleText } from '../../src/compile.js';
import { loadTables, LogAnalyticsTables, STANDARD_COLUMNS, TableCatalog, TARGETS_DIR } from '../../src/ir/tables.js';
import { capture, ruleYaml } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'detc-builtin-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Rules over documented tables detc had no hand-made schema for, each with sample events whose
 * expected alerts follow from the query: checked (with Kusto.Language), built to KQL and run.
 */
const EXAMPLES: { table: string; query: string; events: object[]; rows: object[] }[] = [
  {
    table: 'SecurityEvent',
    query: 'SecurityEvent\n| where EventID == 4625\n| summarize Failures = count() by TargetAccount, Computer\n| where Failures > 1',
    events: [
      { TimeGenerated: '2025-03-01T11:00:00Z', EventID: 4625, TargetAccount: 'CONTOSO\\bob', Computer: 'dc1' },
      { TimeGenerated: '2025-03-01T11:01:00Z', EventID: 4625, TargetAccount: 'CONTOSO\\bob', Computer: 'dc1' },
      { TimeGenerated: '2025-03-01T11:02:00Z', EventID: 4624, TargetAccount: 'CONTOSO\\amy', Computer: 'dc1' },
    ],
    rows: [{ TargetAccount: 'CONTOSO\\bob', Computer: 'dc1', Failures: 2 }],
  },
  {
    table: 'CommonSecurityLog',
    query: 'CommonSecurityLog\n| where DeviceVendor == "Palo Alto Networks" and DeviceAction == "deny"\n| project TimeGenerated, SourceIP, DestinationPort',
    events: [
      { TimeGenerated: '2025-03-01T11:00:00Z', DeviceVendor: 'Palo Alto Networks', DeviceAction: 'deny', SourceIP: '10.0.0.5', DestinationPort: 445 },
      { TimeGenerated: '2025-03-01T11:00:00Z', DeviceVendor: 'Palo Alto Networks', DeviceAction: 'allow', SourceIP: '10.0.0.6', DestinationPort: 443 },
    ],
    rows: [{ SourceIP: '10.0.0.5', DestinationPort: 445 }],
  },
  {
    table: 'Syslog',
    query: 'Syslog\n| where Facility == "authpriv" and SyslogMessage has "Failed password"\n| project TimeGenerated, Computer, SyslogMessage',
    events: [
      { TimeGenerated: '2025-03-01T11:00:00Z', Facility: 'authpriv', Computer: 'web1', SyslogMessage: 'Failed password for root from 203.0.113.9' },
      { TimeGenerated: '2025-03-01T11:00:00Z', Facility: 'daemon', Computer: 'web1', SyslogMessage: 'Failed password for root' },
    ],
    rows: [{ Computer: 'web1' }],
  },
  {
    table: 'DeviceProcessEvents',
    query: 'DeviceProcessEvents\n| where FileName =~ "powershell.exe" and ProcessCommandLine has "-EncodedCommand"\n| project TimeGenerated, DeviceName, ProcessCommandLine',
    events: [
      { TimeGenerated: '2025-03-01T11:00:00Z', FileName: 'PowerShell.exe', DeviceName: 'pc1', ProcessCommandLine: 'powershell.exe -EncodedCommand SQBFAFgA' },
      { TimeGenerated: '2025-03-01T11:00:00Z', FileName: 'cmd.exe', DeviceName: 'pc2', ProcessCommandLine: 'cmd.exe /c -EncodedCommand' },
    ],
    rows: [{ DeviceName: 'pc1' }],
  },
  {
    table: 'ThreatIntelligenceIndicator',
    query: 'ThreatIntelligenceIndicator\n| where Active == true and isnotempty(NetworkIP)\n| summarize Indicators = count() by NetworkIP',
    events: [
      { TimeGenerated: '2025-03-01T11:00:00Z', Active: true, NetworkIP: '198.51.100.7' },
      { TimeGenerated: '2025-03-01T11:00:00Z', Active: false, NetworkIP: '198.51.100.8' },
      { TimeGenerated: '2025-03-01T11:00:00Z', Active: true, NetworkIP: '' },
    ],
    rows: [{ NetworkIP: '198.51.100.7', Indicators: 1 }],
  },
  {
    table: 'AzureActivity',
    query: 'AzureActivity\n| where OperationNameValue =~ "MICROSOFT.AUTHORIZATION/ROLEASSIGNMENTS/WRITE" and ActivityStatusValue == "Success"\n| project TimeGenerated, Caller, _ResourceId',
    events: [
      { TimeGenerated: '2025-03-01T11:00:00Z', OperationNameValue: 'Microsoft.Authorization/roleAssignments/write', ActivityStatusValue: 'Success', Caller: 'eve@contoso.com', _ResourceId: '/subscriptions/x' },
      { TimeGenerated: '2025-03-01T11:00:00Z', OperationNameValue: 'Microsoft.Authorization/roleAssignments/write', ActivityStatusValue: 'Failure', Caller: 'mallory@contoso.com' },
    ],
    rows: [{ Caller: 'eve@contoso.com', _ResourceId: '/subscriptions/x' }],
  },
];

/** A rule file over `query` with one test of `events` expecting `rows`. */
function writeRule(name: string, query: string, events: object[], rows: object[]): string {
  const tests = `tests:\n  - name: the matching events alert\n    now: 2025-03-01T12:00:00Z\n    events: ${JSON.stringify(events)}\n    expect:\n      rows: ${JSON.stringify(rows)}\n`;
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, ruleYaml(query, tests));
  return file;
}

describe('every documented Log Analytics table is built in', () => {
  for (const ex of EXAMPLES) {
    it(`${ex.table}: checks with Kusto.Language, builds KQL and runs its tests`, async () => {
      const file = writeRule(ex.table, ex.query, ex.events, ex.rows);
      const checked = capture();
      expect(await main(['check', file, '--target', 'kql', '--no-config'], checked), checked.stdout).toBe(0);
      expect(checked.stdout).toContain('1 ok, 0 with errors (0 errors, 0 warnings)');
      const out = join(dir, `out-${ex.table}`);
      const built = capture();
      expect(await main(['build', file, '--target', 'kql', '--out', out, '--no-config'], built), built.stdout).toBe(0);
      expect(readFileSync(join(out, 'kql', `${ex.table}.kql`), 'utf8')).toContain(ex.table);
      const tested = capture();
      expect(await main(['test', file, '--no-config'], tested), tested.stdout).toBe(0);
      expect(tested.stdout).toContain('1 passed, 0 failed');
    });
  }

  it('a rule test fails when the events do not give the expected rows (the runs above are real)', async () => {
    const ex = EXAMPLES[0]!;
    const file = writeRule('wrong-expectation', ex.query, ex.events, [{ TargetAccount: 'CONTOSO\\amy' }]);
    const io = capture();
    expect(await main(['test', file, '--no-config'], io)).toBe(1);
    expect(io.stdout).toContain('0 passed, 1 failed');
  });

  it('a misspelt column of a built-in table still gets "did you mean"', () => {
    const r = checkRuleText('r.yaml', ruleYaml('Syslog\n| where SyslogMesage has "x"'));
    expect(r.diagnostics.map((d) => d.message)).toEqual(["unknown column 'SyslogMesage' (did you mean 'SyslogMessage'?)"]);
  });

  it('table names are case-sensitive, with "did you mean" and how to declare a table', () => {
    const r = checkRuleText('r.yaml', ruleYaml('securityevent\n| take 1'));
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]!.message).toMatch(/^unknown table 'securityevent' \(did you mean 'SecurityEvent'\?\); .*--tables FILE\|DIR.*detc\.config\.yaml/);
  });

  it('every table has the standard columns, hidden ones included, seed tables too', () => {
    const tables = loadTables();
    for (const name of ['Syslog', 'AzureActivity', 'SigninLogs', 'AKSAudit']) {
      const columns = new Map(tables.get(name)!.columns.map((c) => [c.name, c.type]));
      for (const c of STANDARD_COLUMNS) expect([name, columns.get(c.name)]).toEqual([name, c.type]);
    }
    const r = checkRuleText('r.yaml', ruleYaml('SigninLogs\n| where _IsBillable == "True" and _BilledSize > 0\n| project _ItemId, _TimeReceived, _SubscriptionId'));
    expect(r.diagnostics).toEqual([]);
  });

  it("has the Name columns Microsoft's table reference documents, which the scraped list dropped (DnsEvents, KubePodInventory)", () => {
    // https://learn.microsoft.com/azure/azure-monitor/reference/tables/dnsevents and .../kubepodinventory list `Name string`.
    const tables = loadTables();
    for (const name of ['DnsEvents', 'KubePodInventory']) expect([name, tables.get(name)!.columns.find((c) => c.name === 'Name')?.type]).toEqual([name, 'string']);
    const r = checkRuleText('r.yaml', ruleYaml('DnsEvents\n| where Name endswith ".evil.example"\n| project Name, ClientIP'));
    expect(r.diagnostics).toEqual([]);
  });

  it('the hand-checked seed tables win over the generated list for their tables', () => {
    const tables = loadTables();
    for (const seed of ['AKSAudit', 'SigninLogs', 'AWSCloudTrail']) {
      const file = join(TARGETS_DIR, 'tables', `${seed}.json`);
      const own = Object.entries((JSON.parse(readFileSync(file, 'utf8')) as { columns: Record<string, string> }).columns);
      const t = tables.get(seed)!;
      // The seed's columns, in its order and with its types, come first; standard columns follow.
      expect(t.columns.slice(0, own.length).map((c) => [c.name, c.type])).toEqual(own.map(([n, ty]) => [n, ty === 'double' ? 'real' : ty]));
      expect(t.source).not.toContain('built in');
    }
    // AKSAudit's generated entry differs from the seed: the seed's is what detc uses.
    const generated = new LogAnalyticsTables().get('AKSAudit')!.columns.map((c) => c.name);
    expect(generated).not.toEqual(tables.get('AKSAudit')!.columns.map((c) => c.name));
  });
});

describe('the generated catalog file', () => {
  const committed = readFileSync(join(TARGETS_DIR, 'tables', 'log-analytics.tsv'), 'utf8');

  it('is what the script makes from the shared list of documented tables and its corrections', () => {
    const source = /^# Source: (.*)$/m.exec(committed)![1]!;
    const out = join(dir, 'regenerated.tsv');
    const shared = join(__dirname, '..', '..', '..', 'shared', 'schemas', 'log-analytics', 'tables.tsv');
    const r = spawnSync(process.execPath, ['scripts/generate-table-catalog.mjs', shared, '--source', source, '--add', 'scripts/log-analytics-corrections.tsv', '--out', out], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(readFileSync(out, 'utf8')).toBe(committed);
    expect(r.stdout).toContain('898 tables');
  });

  it('leaves out exactly the standard columns, which detc adds', () => {
    const columns = new Set(committed.split('\n').filter((l) => l && !l.startsWith('#')).flatMap((l) => l.split('\t').slice(1).map((c) => c.split(':')[0])));
    for (const c of STANDARD_COLUMNS) expect(columns.has(c.name), c.name).toBe(false);
  });
});

describe('the catalog is read lazily', () => {
  it('indexing the names parses no table; a lookup parses only that table, once', () => {
    const source = new LogAnalyticsTables();
    expect(source.names().length).toBeGreaterThanOrEqual(898);
    expect(source.parsed).toBe(0);
    source.get('Syslog');
    source.get('Syslog');
    expect(source.get('NoSuchTable')).toBeUndefined();
    expect(source.parsed).toBe(1);
  });

  it('checking a rule, Kusto.Language included, parses only the tables its query names', async () => {
    const source = new LogAnalyticsTables();
    const tables = new TableCatalog([], source);
    const query = 'SecurityEvent\n| where EventID == 4625\n| summarize count() by Computer';
    const r = checkRuleText('r.yaml', ruleYaml(query), { tables });
    expect(r.diagnostics).toEqual([]);
    const { validateKql } = await import('../../src/backends/kql/index.js');
    const { emitKql } = await import('../../src/backends/kql/emit.js');
    expect(validateKql(r.rule!, emitKql(r.ir!), tables)).toEqual([]);
    expect(source.parsed).toBe(1);
  });

  it('Kusto.Language is given only the tables a query names', () => {
    const tables = loadTables();
    const names = (q: string) => tablesReferenced(q, tables).map((t) => t.name);
    expect(names('SecurityEvent | where EventID == 4625 | project Computer')).toEqual(['SecurityEvent']);
    expect(names("SigninLogs | join (AuditLogs | project OperationName) on CorrelationId | union ['Syslog']")).toEqual(['AuditLogs', 'SigninLogs', 'Syslog']);
  });
});
