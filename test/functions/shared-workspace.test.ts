/**
 * Rules over Sentinel's own parsers, with the shared workspace files (Sentinel's CustomTables and
 * CustomFunctions, the corpus of parsers): checked with every workspace file given, built to KQL
 * that Kusto.Language accepts, and run in `detc test` from raw `_CL` events through a parser's
 * body and from events of the function's own name.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { capture, ruleYaml } from '../helpers.js';

const SHARED = resolve(__dirname, '..', '..', '..', 'shared');
const WORKSPACE = [
  '--no-config',
  '--tables', join(SHARED, 'schemas', 'sentinel-validation', 'CustomTables'),
  '--functions', join(SHARED, 'corpus', 'sentinel-parsers'),
  '--functions', join(SHARED, 'schemas', 'sentinel-validation', 'CustomFunctions'),
];

const dir = mkdtempSync(join(tmpdir(), 'detc-shared-ws-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function rule(name: string, query: string, tests: { name: string; events: object[]; rows: object[] }[]): string {
  const t = tests.map((x) => `  - name: ${x.name}\n    now: 2025-03-01T12:00:00Z\n    events: ${JSON.stringify(x.events)}\n    expect:\n      rows: ${JSON.stringify(x.rows)}\n`).join('');
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, ruleYaml(query, `tests:\n${t}`));
  return file;
}

async function checkBuildTest(file: string, extra: string[] = []): Promise<{ check: string; kql: string; test: string }> {
  const checked = capture();
  const code = await main(['check', file, '--target', 'kql', '--target', 'js', ...WORKSPACE, ...extra], checked);
  expect(code, checked.stderr).toBe(0);
  const out = join(dir, `out-${file.split('/').pop()}`);
  const built = capture();
  expect(await main(['build', file, '--target', 'kql', '--out', out, ...WORKSPACE, ...extra], built), built.stderr).toBe(0);
  const tested = capture();
  const testCode = await main(['test', file, ...WORKSPACE, ...extra], tested);
  expect(testCode, tested.stdout + tested.stderr).toBe(0);
  return { check: checked.stderr + checked.stdout, kql: readFileSync(join(out, 'kql', file.split('/').pop()!.replace('.yaml', '.kql')), 'utf8'), test: tested.stdout + tested.stderr };
}

describe("Sentinel's parsers as workspace functions", () => {
  // Sentinel's CiscoDuo_CL validation schema names two columns as the portal shows datetime columns
  // ('surfaced_auth_isotimestamp_t [UTC]'); read by their names, the parser's body binds.
  it('CiscoDuo (no parentheses): runs from raw CiscoDuo_CL events through the parser body, and from events of its name', async () => {
    const file = rule('duo', 'CiscoDuo\n| where EventResult =~ "denied"\n| project DstUserName, EventResult, EventVendor', [
      {
        name: 'raw custom-log events',
        events: [
          { TimeGenerated: '2025-03-01T11:00:00Z', result_s: 'DENIED', username_s: 'bob' },
          { TimeGenerated: '2025-03-01T11:00:00Z', result_s: 'SUCCESS', username_s: 'amy' },
          { TimeGenerated: '2025-03-01T11:00:00Z', result_s: 'denied', user_name_s: 'eve' },
        ],
        rows: [{ DstUserName: 'bob', EventResult: 'DENIED', EventVendor: 'Cisco' }, { DstUserName: 'eve', EventResult: 'denied', EventVendor: 'Cisco' }],
      },
      { name: 'normalized events', events: [{ TimeGenerated: '2025-03-01T11:00:00Z', Type: 'CiscoDuo', DstUserName: 'bob', EventResult: 'DENIED' }, { TimeGenerated: '2025-03-01T11:00:00Z', Type: 'CiscoDuo', DstUserName: 'amy', EventResult: 'success' }], rows: [{ DstUserName: 'bob' }] },
    ]);
    const r = await checkBuildTest(file);
    expect(r.check).toContain('1 ok, 0 with errors (0 errors, 0 warnings)');
    expect(r.kql.split('\n')[0]).toBe('CiscoDuo');
    expect(r.test).toContain('2 passed, 0 failed');
  });

  it('CiscoSecureEndpoint: runs from raw CiscoSecureEndpoint_CL events through the parser body, and from events of its name', async () => {
    const file = rule('cse', 'CiscoSecureEndpoint\n| where ThreatSeverity == "High"\n| project DstHostname, ThreatName, EventVendor', [
      {
        name: 'raw custom-log events',
        events: [
          { TimeGenerated: '2025-03-01T11:00:00Z', severity_s: 'High', computer_hostname_s: 'pc1', detection_s: 'Trojan' },
          { TimeGenerated: '2025-03-01T11:00:00Z', severity_s: 'Low', computer_hostname_s: 'pc2', detection_s: 'Adware' },
        ],
        rows: [{ DstHostname: 'pc1', ThreatName: 'Trojan', EventVendor: 'Cisco' }],
      },
      {
        name: 'normalized events',
        events: [{ TimeGenerated: '2025-03-01T11:00:00Z', Type: 'CiscoSecureEndpoint', ThreatSeverity: 'High', DstHostname: 'pc9', ThreatName: 'Worm', EventVendor: 'Cisco' }],
        rows: [{ DstHostname: 'pc9', ThreatName: 'Worm' }],
      },
    ]);
    const r = await checkBuildTest(file);
    expect(r.check).toContain('1 ok, 0 with errors (0 errors, 0 warnings)');
    expect(r.test).toContain('2 passed, 0 failed');
  });

  // _Im_Dns is `union isfuzzy=true` over the source parsers. Two of them do not compile against these
  // files (vimDnsInfobloxNIOS passes `startime=`, a typo Kusto.Language rejects too: KS196, "The argument
  // name does not refer to a declared parameter"); Kusto leaves out a fuzzy union's legs that do not
  // resolve, with a warning, and so does detc: the other legs run.
  it('_Im_Dns(starttime=ago(1d)): runs from raw Cisco_Umbrella_dns_CL and ASimDnsActivityLogs events through the union of parsers (legs that do not compile left out, with a warning), and from events of its name', async () => {
    const file = rule('imdns', '_Im_Dns(starttime=ago(1d))\n| where EventResult == "Failure"\n| project Dvc, DnsQuery, EventResultDetails, EventProduct', [
      {
        name: 'raw events, one too old for starttime',
        events: [
          { TimeGenerated: '2025-03-01T11:00:00Z', Type: 'ASimDnsActivityLogs', DvcHostname: 'dns1', DnsQuery: 'evil.example', EventType: 'Query', EventResult: 'Failure', EventResultDetails: 'NXDOMAIN' },
          { TimeGenerated: '2025-02-27T11:00:00Z', Type: 'ASimDnsActivityLogs', DvcHostname: 'dns1', DnsQuery: 'old.example', EventType: 'Query', EventResult: 'Failure', EventResultDetails: 'NXDOMAIN' },
          { TimeGenerated: '2025-03-01T11:00:00Z', Type: 'ASimDnsActivityLogs', DvcHostname: 'dns1', DnsQuery: 'fine.example', EventType: 'Query', EventResult: 'Success', EventResultDetails: 'NOERROR' },
          { TimeGenerated: '2025-03-01T11:30:00Z', Type: 'Cisco_Umbrella_dns_CL', Domain_s: 'bad.example.', ResponseCode_s: 'NXDOMAIN', QueryType_s: '1 (A)' },
          { TimeGenerated: '2025-03-01T11:30:00Z', Type: 'Cisco_Umbrella_dns_CL', Domain_s: 'good.example.', ResponseCode_s: 'NOERROR', QueryType_s: '1 (A)' },
        ],
        rows: [{ Dvc: 'CiscoUmbrella', DnsQuery: 'bad.example', EventResultDetails: 'NXDOMAIN', EventProduct: 'Umbrella' }, { Dvc: 'dns1', DnsQuery: 'evil.example', EventResultDetails: 'NXDOMAIN' }],
      },
      { name: 'normalized events', events: [{ TimeGenerated: '2025-03-01T11:00:00Z', Type: '_Im_Dns', Dvc: 'dns1', EventResult: 'Failure', EventResultDetails: 'NXDOMAIN' }], rows: [{ Dvc: 'dns1', EventResultDetails: 'NXDOMAIN' }] },
    ]);
    const r = await checkBuildTest(file);
    expect(r.check).toContain("warning DTC3017: in the body of _Im_Dns: in the body of Generic: union isfuzzy=true leaves out its leg vimDnsInfobloxNIOS");
    expect(r.check).toMatch(/ASimDns__vimDnsInfobloxNIOS\.yaml:189\) does not compile: unknown name 'startime' \(not a parameter of parser \(did you mean 'starttime'\?\)/);
    expect(r.check).not.toContain('the columns of its signature are used');
    expect(r.kql.split('\n')[0]).toBe('_Im_Dns(starttime=ago(1d))');
    expect(r.test).toContain('2 passed, 0 failed');
  });

  it('_Im_Dns_Native(starttime=ago(1d)): the ASIM parser runs from raw ASimDnsActivityLogs events, its parameter applied', async () => {
    const file = rule('dnsnative', '_Im_Dns_Native(starttime=ago(1d), eventtype="*")\n| project DnsQuery, Domain, EventSchema', [
      {
        name: 'raw events, one too old for starttime',
        events: [
          { TimeGenerated: '2025-03-01T11:00:00Z', DnsQuery: 'evil.example', EventType: 'Query' },
          { TimeGenerated: '2025-02-27T11:00:00Z', DnsQuery: 'old.example', EventType: 'Query' },
        ],
        rows: [{ DnsQuery: 'evil.example', Domain: 'evil.example', EventSchema: 'Dns' }],
      },
    ]);
    const r = await checkBuildTest(file);
    expect(r.check).toContain('0 errors, 0 warnings');
    expect(r.test).toContain('1 passed, 0 failed');
  });

  it('CiscoDuo filtered by a _GetWatchlist: runs from raw CiscoDuo_CL events and from events of its name, the watchlist from its CSV', async () => {
    const wl = mkdtempSync(join(dir, 'wl-'));
    writeFileSync(join(wl, 'DuoVIPs.csv'), 'User,Title\nbob,CFO\n');
    const file = rule('duovip', "let vips = _GetWatchlist('DuoVIPs') | project SearchKey;\nCiscoDuo\n| where DstUserName in (vips)\n| project DstUserName, EventResult", [
      { name: 'raw custom-log events', events: [{ TimeGenerated: '2025-03-01T11:00:00Z', result_s: 'DENIED', username_s: 'bob' }, { TimeGenerated: '2025-03-01T11:00:00Z', result_s: 'DENIED', username_s: 'amy' }], rows: [{ DstUserName: 'bob', EventResult: 'DENIED' }] },
      { name: 'normalized events', events: [{ TimeGenerated: '2025-03-01T11:00:00Z', Type: 'CiscoDuo', DstUserName: 'bob', EventResult: 'SUCCESS' }, { TimeGenerated: '2025-03-01T11:00:00Z', Type: 'CiscoDuo', DstUserName: 'eve', EventResult: 'SUCCESS' }], rows: [{ DstUserName: 'bob', EventResult: 'SUCCESS' }] },
    ]);
    const r = await checkBuildTest(file, ['--watchlists', wl]);
    expect(r.check).toContain('1 ok, 0 with errors (0 errors, 0 warnings)');
    expect(r.kql).toContain("let vips = _GetWatchlist('DuoVIPs')");
    expect(r.test).toContain('2 passed, 0 failed');
  });

  it('_GetWatchlist with a watchlist folder: checks, KQL keeps the call, JS reads the CSV', async () => {
    const wl = mkdtempSync(join(dir, 'wl-'));
    writeFileSync(join(wl, 'VIPUsers.csv'), 'UserPrincipalName,Team\nceo@contoso.com,board\n');
    const file = rule('vip', "let vips = _GetWatchlist('VIPUsers') | project SearchKey;\nSigninLogs\n| where UserPrincipalName in (vips)\n| project UserPrincipalName", [
      { name: 'sign-in of a VIP', events: [{ TimeGenerated: '2025-03-01T11:00:00Z', UserPrincipalName: 'ceo@contoso.com' }, { TimeGenerated: '2025-03-01T11:00:00Z', UserPrincipalName: 'dev@contoso.com' }], rows: [{ UserPrincipalName: 'ceo@contoso.com' }] },
    ]);
    const r = await checkBuildTest(file, ['--watchlists', wl]);
    expect(r.kql).toContain("let vips = _GetWatchlist('VIPUsers')");
    expect(r.test).toContain('1 passed, 0 failed');
  });
});
