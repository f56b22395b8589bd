/**
 * The bundled QRadar mappings for the tables real Sentinel rules read most: a small real-looking
 * rule over each table compiles to AQL that passes the grammar check, selects the table's log
 * source types and reads the mapped properties; a column without a mapping is an explicit error.
 * Expected property names are taken from the mapping file itself (the test proves the translation
 * uses the mapping, not a second copy of it), except the log source type ids, which are IBM facts.
 */
import { describe, expect, it } from 'vitest';
import { checkAqlSyntax } from '../../src/backends/aql/grammar.js';
import { loadMappings, MappingError, parseMapping, type TableMapping } from '../../src/backends/aql/mapping.js';
import { translateToAql } from '../../src/backends/aql/translate.js';
import { checkRuleText } from '../../src/compile.js';
import { ruleYaml } from '../helpers.js';

const mappings = loadMappings();

function mappingOf(table: string): TableMapping {
  const m = mappings.get(table);
  expect(m, `a bundled mapping for ${table}`).toBeDefined();
  return m!;
}

/** Compile a query over its table to AQL; the query must check clean and the AQL must parse. */
function compile(table: string, query: string) {
  const r = checkRuleText('r.yaml', ruleYaml(query));
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const t = translateToAql(r.ir!, mappingOf(table), new Set(), r.rule!.queryPeriodMs);
  if (t.aql) expect(checkAqlSyntax(t.aql)).toEqual([]);
  return t;
}

/** The AQL expression the mapping gives a column. */
const aqlOf = (table: string, column: string) => {
  const c = mappingOf(table).columns[column];
  expect(c?.aql, `${table}.${column} is mapped`).toBeDefined();
  return c!.aql!;
};

/**
 * One rule per table: the columns it filters on, and the log source type ids IBM gives the DSM
 * (IBM pySigma-backend-QRadar-AQL logsources.py; IBM's DSM guide for Microsoft 365 Defender).
 */
const CASES: { table: string; devicetypes: number[]; query: string; columns: string[] }[] = [
  {
    table: 'SecurityEvent',
    devicetypes: [12],
    query: 'SecurityEvent\n| where EventID == 4625 and LogonType == 3\n| where TargetUserName !endswith "$"\n| summarize Failures = count() by TargetUserName, IpAddress, Computer\n| where Failures > 10',
    columns: ['EventID', 'LogonType', 'TargetUserName', 'IpAddress', 'Computer'],
  },
  {
    table: 'SecurityEvent',
    devicetypes: [12],
    query: 'SecurityEvent\n| where EventID == 4688\n| where CommandLine has_any ("-enc", "-EncodedCommand") and NewProcessName endswith "\\\\powershell.exe"\n| project TimeGenerated, Computer, SubjectUserName, CommandLine, ParentProcessName',
    columns: ['EventID', 'CommandLine', 'NewProcessName', 'SubjectUserName', 'ParentProcessName'],
  },
  {
    table: 'WindowsEvent',
    devicetypes: [12],
    query: 'WindowsEvent\n| where EventID == 1\n| where tostring(EventData.CommandLine) contains "vssadmin" and tostring(EventData.CommandLine) contains "delete shadows"\n| project TimeGenerated, Computer',
    columns: ['EventID', 'EventData.CommandLine', 'Computer'],
  },
  {
    table: 'Syslog',
    devicetypes: [11],
    query: 'Syslog\n| where Facility in ("auth", "authpriv") and ProcessName == "sshd"\n| where SyslogMessage has "Failed password"\n| summarize n = count() by HostName, bin(TimeGenerated, 5m)\n| where n > 20',
    columns: ['Facility', 'ProcessName', 'SyslogMessage', 'HostName'],
  },
  {
    table: 'CommonSecurityLog',
    devicetypes: [367, 206, 73, 3, 41, 331, 278, 78, 448],
    query: 'CommonSecurityLog\n| where DeviceAction == "deny" and DestinationPort in (3389, 22)\n| summarize Denied = count() by SourceIP, DestinationIP\n| where Denied > 50',
    columns: ['DeviceAction', 'DestinationPort', 'SourceIP', 'DestinationIP'],
  },
  {
    table: 'DeviceProcessEvents',
    devicetypes: [515, 433],
    query: 'DeviceProcessEvents\n| where FileName =~ "rundll32.exe" and ProcessCommandLine contains "comsvcs.dll"\n| project Timestamp = TimeGenerated, DeviceName, AccountName, ProcessCommandLine, InitiatingProcessFileName',
    columns: ['FileName', 'ProcessCommandLine', 'DeviceName', 'AccountName', 'InitiatingProcessFileName'],
  },
  {
    table: 'DeviceNetworkEvents',
    devicetypes: [515, 433],
    query: 'DeviceNetworkEvents\n| where RemotePort == 4444 and ActionType == "ConnectionSuccess"\n| project TimeGenerated, DeviceName, RemoteIP, RemoteUrl, InitiatingProcessCommandLine',
    columns: ['RemotePort', 'ActionType', 'DeviceName', 'RemoteIP', 'RemoteUrl', 'InitiatingProcessCommandLine'],
  },
  {
    table: 'DeviceFileEvents',
    devicetypes: [515, 433],
    query: 'DeviceFileEvents\n| where ActionType == "FileCreated" and FileName endswith ".ps1" and FolderPath startswith "C:\\\\Users\\\\Public"\n| project TimeGenerated, DeviceName, FileName, FolderPath, SHA256',
    columns: ['ActionType', 'FileName', 'FolderPath', 'SHA256'],
  },
  {
    table: 'DeviceLogonEvents',
    devicetypes: [515, 433],
    query: 'DeviceLogonEvents\n| where ActionType == "LogonFailed" and LogonType == "RemoteInteractive"\n| summarize Failures = count() by AccountName, RemoteIP\n| where Failures > 5',
    columns: ['ActionType', 'LogonType', 'AccountName', 'RemoteIP'],
  },
  {
    table: 'AzureActivity',
    devicetypes: [413],
    query: 'AzureActivity\n| where OperationNameValue =~ "MICROSOFT.AUTHORIZATION/ROLEASSIGNMENTS/WRITE" and ActivityStatusValue == "Success"\n| project TimeGenerated, Caller, CallerIpAddress, ResourceGroup',
    columns: ['OperationNameValue', 'ActivityStatusValue', 'Caller', 'CallerIpAddress', 'ResourceGroup'],
  },
  {
    table: 'DnsEvents',
    devicetypes: [384],
    query: 'DnsEvents\n| where SubType == "LookupQuery" and QueryType == "TXT"\n| summarize Queries = count() by ClientIP\n| where Queries > 100',
    columns: ['SubType', 'QueryType', 'ClientIP'],
  },
  {
    table: 'W3CIISLog',
    devicetypes: [13],
    query: 'W3CIISLog\n| where csMethod == "POST" and csUriStem endswith ".aspx" and scStatus == "200"\n| where csUserAgent has "python-requests"\n| project TimeGenerated, cIP, sIP, csUriStem, csUserName',
    columns: ['csMethod', 'csUriStem', 'scStatus', 'csUserAgent', 'cIP', 'csUserName'],
  },
];

describe('QRadar mappings for the tables real rules read', () => {
  it.each(CASES.map((c, i) => [`${c.table} #${i}`, c] as const))('%s: compiles to AQL over its log source types and mapped properties', (_, c) => {
    const t = compile(c.table, c.query);
    expect(t.errors).toEqual([]);
    const aql = t.aql!;
    expect(aql).toContain(`devicetype IN (${c.devicetypes.join(', ')})`);
    for (const column of c.columns) expect(aql, `${c.table}.${column}`).toContain(aqlOf(c.table, column));
    // Every extra condition the mapping adds to tell its table apart is in the query.
    for (const cond of mappingOf(c.table).conditions ?? []) expect(aql).toContain(`(${cond.aql})`);
  });

  it('the Windows event id is the DSM\'s "Event ID" property and LogonType its "Logon Type" (IBM pySigma QRadar field map)', () => {
    const t = compile('SecurityEvent', 'SecurityEvent | where EventID == 4624 and LogonType == 10');
    expect(t.aql).toContain('"Event ID" = 4624');
    expect(t.aql).toContain('"Logon Type" = 10');
  });

  it('SyslogMessage is the raw payload, read as text', () => {
    const t = compile('Syslog', 'Syslog | where SyslogMessage contains "session opened for user root"');
    expect(t.aql).toContain("UTF8(payload) ILIKE '%session opened for user root%'");
  });

  it('CommonSecurityLog: a DeviceVendor/DeviceProduct test chooses the log source type', () => {
    const t = compile('CommonSecurityLog', 'CommonSecurityLog\n| where DeviceVendor == "Palo Alto Networks" and DeviceProduct == "PAN-OS"\n| where DeviceAction == "deny"');
    expect(t.errors).toEqual([]);
    expect(t.aql).toContain('\n    AND (devicetype = 206)\n    AND (devicetype = 206)\n');
    expect(t.notes.some((n) => n.startsWith('DeviceVendor == "Palo Alto Networks" is written as devicetype = 206'))).toBe(true);
    // Each vendor a rewrite names is among the table's log source types, or the rewrite could never match.
    const m = mappingOf('CommonSecurityLog');
    const ids = new Set(m.logSourceTypes.map((l) => l.id));
    for (const rw of m.rewrites ?? []) for (const id of rw.aql.match(/\d+/g)!) expect(ids.has(Number(id)), `${rw.kql}: ${id}`).toBe(true);
  });

  it('CommonSecurityLog: =~, in and in~ over vendors use the same rewrites; a vendor without one stays a property test', () => {
    const where = (q: string) => {
      const t = compile('CommonSecurityLog', `CommonSecurityLog | where ${q}`);
      expect(t.errors).toEqual([]);
      return t.aql!.split('\n    AND ').slice(1).join(' AND ').replace(/\nLAST[^]*$/, '');
    };
    expect(where('DeviceVendor =~ "fortinet"')).toBe('(devicetype = 73)');
    expect(where('DeviceVendor !~ "FORTINET"')).toBe('NOT (devicetype = 73)');
    expect(where('DeviceVendor in ("Fortinet", "Palo Alto Networks")')).toBe('((devicetype = 73) OR (devicetype = 206))');
    expect(where('DeviceVendor in~ ("zscaler")')).toBe('(devicetype = 331)');
    expect(where('DeviceVendor !in ("Fortinet", "Check Point")')).toBe('(NOT ((devicetype = 73) OR (devicetype = 3)))');
    // `in` is case-sensitive in KQL: a differently cased vendor has no rewrite.
    expect(where('DeviceVendor in ("fortinet")')).toBe("LOGSOURCETYPENAME(devicetype) IN ('fortinet')");
    // One value without a rewrite: the others are still their rewrites, as `=~ "Fortinet" or =~ "Acme"` would be.
    expect(where('DeviceVendor in~ ("Fortinet", "Acme")')).toBe("((devicetype = 73) OR LOGSOURCETYPENAME(devicetype) ILIKE 'Acme')");
    expect(where('DeviceVendor in~ ("Fortinet", "Acme")')).toBe(where('DeviceVendor =~ "Fortinet" or DeviceVendor =~ "Acme"'));
  });

  it.each([
    ['SecurityEvent', 'SecurityEvent | where EventData has "x"', /^column EventData has no QRadar equivalent \(.*SecurityEvent\.yaml: /],
    ['SecurityEvent', 'SecurityEvent | where Keywords == "x"', /^column Keywords is not in the QRadar mapping .*SecurityEvent\.yaml$/],
    ['Syslog', 'Syslog | where CollectorHostName == "x"', /^column CollectorHostName has no QRadar equivalent \(.*Syslog\.yaml: /],
    ['CommonSecurityLog', 'CommonSecurityLog | where DeviceCustomString6 == "x"', /^column DeviceCustomString6 is not in the QRadar mapping .*CommonSecurityLog\.yaml$/],
    ['DeviceProcessEvents', 'DeviceProcessEvents | where AdditionalFields has "x"', /^column AdditionalFields has no QRadar equivalent \(.*DeviceProcessEvents\.yaml: /],
    ['AzureActivity', 'AzureActivity | where Properties has "x"', /^column Properties has no QRadar equivalent \(.*AzureActivity\.yaml: /],
    ['DnsEvents', 'DnsEvents | where MaliciousIP == "1.2.3.4"', /^column MaliciousIP has no QRadar equivalent \(.*DnsEvents\.yaml: /],
    ['W3CIISLog', 'W3CIISLog | where AzureDeploymentID == "x"', /^column AzureDeploymentID is not in the QRadar mapping .*W3CIISLog\.yaml$/],
    ['WindowsEvent', 'WindowsEvent | where tostring(EventData.Unlisted) == "x"', /^column EventData has no QRadar equivalent \(.*WindowsEvent\.yaml: .*map its fields/],
  ])('%s: a column without a QRadar property is an explicit error naming the mapping file (%s)', (table, query, message) => {
    const t = compile(table, query);
    expect(t.aql).toBeUndefined();
    expect(t.errors).toHaveLength(1);
    expect(t.errors[0]!.message).toMatch(message);
    expect(t.errors[0]!.span).toBeDefined();
  });

  it('every bundled mapping cites a source or says "unconfirmed" for each log source type and property', () => {
    for (const m of mappings.values()) {
      for (const l of m.logSourceTypes) expect(l.note, `${m.table} log source ${l.id}`).toMatch(/pySigma|IBM|unconfirmed/);
    }
    // The new tables: every property that is not a normalized QRadar column says where it comes from.
    const normalized = /^(starttime|devicetime|username|sourceip|destinationip|sourceport|destinationport|severity|QIDNAME\(qid\)|CATEGORYNAME\(category\)|PROTOCOLNAME\(protocolid\)|UTF8\(payload\)|LOGSOURCETYPENAME\(devicetype\))$/;
    for (const table of new Set(CASES.map((c) => c.table))) {
      for (const [name, c] of Object.entries(mappingOf(table).columns)) {
        if (c.none !== undefined || normalized.test(c.aql!)) continue;
        expect(c.note, `${table}.${name}`).toMatch(/pySigma|IBM|unconfirmed/);
      }
    }
  });

  it('a rewrite that is not `Column == constant` is refused when the mapping is read, naming the file and entry', () => {
    const text = 'table: CommonSecurityLog\nsource: events\nlogSourceTypes: [{ id: 367, name: Universal CEF }]\ncolumns: {}\nrewrites: [{ kql: "DeviceVendor has \\"x\\"", aql: "devicetype = 1" }]\n';
    expect(() => parseMapping(text, 'custom/CommonSecurityLog.yaml')).toThrow(MappingError);
    expect(() => parseMapping(text, 'custom/CommonSecurityLog.yaml')).toThrow(/^custom\/CommonSecurityLog\.yaml:5:19: error DTC1002: rewrites\.0\.kql: rewrite 'DeviceVendor has "x"' must have the form Column == constant/);
  });

  it('objects: and texts: (what real events hold below a JSON column) belong to a json: column only', () => {
    const text = (column: string) => `table: AWSCloudTrail\nsource: events\nlogSourceTypes: [{ id: 347, name: CloudTrail }]\ncolumns:\n  ${column}\n`;
    expect(parseMapping(text('RequestParameters: { json: requestParameters, objects: [a], texts: { b: "source" } }'), 'custom/AWSCloudTrail.yaml').columns.RequestParameters).toEqual({ json: 'requestParameters', objects: ['a'], texts: { b: 'source' } });
    expect(() => parseMapping(text('UserAgent: { aql: \'"User Agent"\', objects: [a] }'), 'custom/AWSCloudTrail.yaml')).toThrow(/^custom\/AWSCloudTrail\.yaml:5:\d+: error DTC1002: /);
  });

  // One YAML reader and one schema wording for every file detc reads (rules, config, mappings).
  it('a YAML syntax error in a mapping names the file, line and column', () => {
    const problems = () => parseMapping('table: X\ncolumns: {a: [1, 2}\n', 'custom/X.yaml');
    expect(problems).toThrow(/^custom\/X\.yaml:2:\d+: error DTC1001: YAML syntax error: /);
  });

  it('a schema problem in a mapping is at its key, with a did-you-mean for a misspelt key', () => {
    const text = 'table: SigninLogs\nsource: events\nlogSourceTypes: [{ id: 445, name: Azure AD }]\ncolums: {}\n';
    let error: MappingError | undefined;
    try {
      parseMapping(text, 'custom/SigninLogs.yaml');
    } catch (e) {
      error = e as MappingError;
    }
    expect(error).toBeInstanceOf(MappingError);
    expect(error!.diagnostics.map((d) => [d.file, d.start?.line, d.code])).toContainEqual(['custom/SigninLogs.yaml', 4, 'DTC1002']);
    expect(error!.message).toMatch(/colums/);
    expect(error!.message).toMatch(/columns/);
  });
});
