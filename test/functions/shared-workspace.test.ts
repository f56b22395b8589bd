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
  // Sentinel's CiscoDuo_CL validation schema names the column 'surfaced_auth_isotimestamp_t [UTC]'
  // (real-world messy data), so the parser body's surfaced_auth_isotimestamp_t does not bind.
  it('CiscoDuo (no parentheses): its body does not bind against the shared _CL schema, so its declared schema stands in; runs from events of its name', async () => {
    const file = rule('duo', 'CiscoDuo\n| where EventResult =~ "denied"\n| project DstUserName, EventResult', [
      { name: 'normalized events', events: [{ TimeGenerated: '2025-03-01T11:00:00Z', Type: 'CiscoDuo', DstUserName: 'bob', EventResult: 'DENIED' }, { TimeGenerated: '2025-03-01T11:00:00Z', Type: 'CiscoDuo', DstUserName: 'amy', EventResult: 'success' }], rows: [{ DstUserName: 'bob' }] },
    ]);
    const r = await checkBuildTest(file);
    expect(r.check).toContain('warning DTC3015: workspace function CiscoDuo');
    expect(r.check).toContain("does not compile: unknown column 'surfaced_auth_isotimestamp_t'");
    expect(r.kql.split('\n')[0]).toBe('CiscoDuo');
    expect(r.test).toContain('1 passed, 0 failed');
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

  it('_Im_Dns(starttime=ago(1d)): its body (a union) does not compile, so its CustomFunctions signature stands in', async () => {
    const file = rule('imdns', '_Im_Dns(starttime=ago(1d))\n| where EventResult == "Failure"\n| project Dvc, EventResultDetails', [
      { name: 'normalized events', events: [{ TimeGenerated: '2025-03-01T11:00:00Z', Type: '_Im_Dns', Dvc: 'dns1', EventResult: 'Failure', EventResultDetails: 'NXDOMAIN' }], rows: [{ Dvc: 'dns1', EventResultDetails: 'NXDOMAIN' }] },
    ]);
    const r = await checkBuildTest(file);
    expect(r.check).toContain('the columns of its signature are used instead');
    expect(r.kql.split('\n')[0]).toBe('_Im_Dns(starttime=ago(1d))');
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
