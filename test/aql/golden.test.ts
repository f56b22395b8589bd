/**
 * Golden AQL: one rule per mapped table and one per construct this backend writes, each query as
 * emitted (reviewed line by line in test/golden/aql-by-table.aql). Regenerate with
 * UPDATE_GOLDEN=1 only after reviewing the difference.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkAqlSyntax } from '../../src/backends/aql/grammar.js';
import { loadMappings } from '../../src/backends/aql/mapping.js';
import { translateToAql } from '../../src/backends/aql/translate.js';
import { checkRuleText } from '../../src/compile.js';
import { ruleYaml } from '../helpers.js';

const mappings = loadMappings();

const CASES: readonly [string, string][] = [
  ['SigninLogs', 'SigninLogs | where ResultType == 50126 | summarize Failures = dcount(UserPrincipalName) by IPAddress, bin(TimeGenerated, 10m) | where Failures > 5'],
  ['AADNonInteractiveUserSignInLogs', 'AADNonInteractiveUserSignInLogs | where UserAgent has "python-requests" | project TimeGenerated, UserPrincipalName, IPAddress, AppDisplayName'],
  ['AuditLogs', 'AuditLogs | where OperationName =~ "Add member to role" | extend Target = tostring(TargetResources[0].userPrincipalName), Actor = tostring(InitiatedBy.user.userPrincipalName) | project TimeGenerated, Actor, Target'],
  ['AWSCloudTrail', 'AWSCloudTrail | where EventName == "UpdateDetector" and tostring(parse_json(RequestParameters).enable) == "false" and isempty(ErrorCode) | extend UserName = tostring(split(UserIdentityArn, "/")[-1]) | project TimeGenerated, UserName, SourceIpAddress'],
  ['AzureActivity', 'AzureActivity | where OperationNameValue =~ "MICROSOFT.AUTHORIZATION/ROLEASSIGNMENTS/WRITE" and ActivityStatusValue == "Success" | project TimeGenerated, Caller, CallerIpAddress'],
  ['CommonSecurityLog', 'CommonSecurityLog | where DeviceVendor == "Palo Alto Networks" and Activity has "THREAT" | summarize Hits = count() by SourceIP, DestinationIP'],
  ['DeviceFileEvents', 'DeviceFileEvents | where FileName endswith ".ps1" and FolderPath contains "\\\\Temp\\\\" | project TimeGenerated, DeviceName, FileName, FolderPath'],
  ['DeviceLogonEvents', 'DeviceLogonEvents | where ActionType == "LogonFailed" | summarize Failures = count() by DeviceName, AccountName | where Failures > 10'],
  ['DeviceNetworkEvents', 'DeviceNetworkEvents | where RemotePort in (4444, 1337) | project TimeGenerated, DeviceName, RemoteIP, RemotePort, InitiatingProcessFileName'],
  ['DeviceProcessEvents', 'DeviceProcessEvents | where FileName =~ "powershell.exe" and ProcessCommandLine has_any ("-enc", "-EncodedCommand") | project TimeGenerated, DeviceName, AccountName, ProcessCommandLine'],
  ['DnsEvents', 'DnsEvents | where SubType == "LookupQuery" and QueryType == "TXT" | distinct ClientIP, Computer'],
  ['OfficeActivity', 'OfficeActivity | where Operation in ("New-InboxRule", "Set-InboxRule") | project TimeGenerated, UserId, ClientIP, Operation'],
  ['SecurityEvent', 'SecurityEvent | where EventID == 4625 | summarize Failures = count() by TargetUserName, IpAddress | where Failures > 20 | sort by Failures desc | take 10'],
  ['Syslog', 'Syslog | where Facility == "authpriv" and SyslogMessage has "Failed password" | count'],
  ['W3CIISLog', 'W3CIISLog | where csMethod == "POST" and csUriStem endswith ".aspx" and scStatus == "200" | project TimeGenerated, cIP, csUriStem, csUserAgent'],
  ['WindowsEvent', 'WindowsEvent | where EventID == 1 and tostring(EventData.CommandLine) contains "vssadmin" | project TimeGenerated, Computer'],
  // ResultType is a string column: compared with the string "0" (the mapping's rewrite of ResultType == 0 holds for it too, as "0" == 0 in detc's semantics).
  ['tabular let + union of mapped tables', 'let f = (t:string) { table(t) | where ResultType != "0" | where AppDisplayName == "Azure Portal" };\nlet a = f("SigninLogs");\nlet b = f("AADNonInteractiveUserSignInLogs");\nunion a, b\n| extend Name = tostring(split(UserPrincipalName, "@", 0)[0]), Suffix = tostring(split(UserPrincipalName, "@")[1])\n| project TimeGenerated, Name, Suffix, IPAddress'],
];

function emitted(query: string, table: string): string {
  const r = checkRuleText('r.yaml', ruleYaml(query));
  expect(r.diagnostics.filter((d) => d.severity === 'error'), query).toEqual([]);
  const t = translateToAql(r.ir!, mappings.get(table), new Set(), r.rule!.queryPeriodMs, (n) => mappings.get(n));
  expect(t.errors, query).toEqual([]);
  expect(checkAqlSyntax(t.aql!)).toEqual([]);
  return t.aql!;
}

describe('golden AQL per mapped table and construct', () => {
  it('matches test/golden/aql-by-table.aql', () => {
    const text = CASES.map(([what, query]) => `-- ${what}\n-- KQL: ${query.replace(/\n/g, '\n--      ')}\n${emitted(query, what)}`).join('\n');
    if (process.env.UPDATE_GOLDEN) writeFileSync('test/golden/aql-by-table.aql', text);
    expect(text).toBe(readFileSync('test/golden/aql-by-table.aql', 'utf8'));
    // Every bundled mapping has a case.
    expect([...mappings.keys()].filter((t) => !CASES.some(([what]) => what === t))).toEqual([]);
  });
});
