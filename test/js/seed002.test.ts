import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runRule } from '../../src/backends/js/alerts.js';
import { compileQuery } from '../../src/backends/js/compile.js';
import { parseEventsText } from '../../src/backends/js/events.js';
import { checkRuleFile } from '../../src/compile.js';

const NOW = Date.parse('2025-03-01T12:00:00Z');
const events = parseEventsText(readFileSync('examples/aad_noninteractive_signins.ndjson', 'utf8')).events;

/** The rows Kusto would return, worked out by hand from the sample events (see the generator notes in examples/README.md). */
const EXPECTED = [
  {
    TimeGenerated: '2025-03-01T11:00:00Z', UserPrincipalName: 'carol.diaz@contoso.com', TokenUseCount: 51, UniqueResources: 1, UniqueApps: 1,
    UniqueIPs: 1, Resources: ['Windows Azure Service Management API'], Apps: ['Microsoft Azure PowerShell'], SourceIPs: ['198.51.100.140'],
    UserAgents: ['Go-http-client/2.0'], Countries: ['US'], RiskIndicator: 'High-frequency API access — scripted tool or automation',
  },
  {
    TimeGenerated: '2025-03-01T08:00:00Z', UserPrincipalName: 'dave.lee@contoso.com', TokenUseCount: 11, UniqueResources: 1, UniqueApps: 1,
    UniqueIPs: 1, Resources: ['Microsoft Graph'], Apps: ['Microsoft Office'], SourceIPs: ['192.0.2.15'],
    UserAgents: ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Safari/537.36 Edg/121.0.0.0'],
    Countries: ['GB'], RiskIndicator: 'Suspicious single-factor token-based authentication to sensitive resource',
  },
  {
    TimeGenerated: '2025-03-01T09:00:00Z', UserPrincipalName: 'bob.smith@contoso.com', TokenUseCount: 5, UniqueResources: 5, UniqueApps: 1,
    UniqueIPs: 1, Resources: ['Microsoft Graph', 'Office 365 Exchange Online', 'Office 365 SharePoint Online', 'Microsoft Teams', 'Azure Key Vault'],
    Apps: ['Microsoft Azure PowerShell'], SourceIPs: ['203.0.113.55'], UserAgents: ['python-requests/2.31.0'], Countries: ['DE'],
    RiskIndicator: 'Token accessing 5+ resources — automated enumeration pattern',
  },
  {
    TimeGenerated: '2025-03-01T10:00:00Z', UserPrincipalName: 'alice.wong@contoso.com', TokenUseCount: 3, UniqueResources: 1, UniqueApps: 1,
    UniqueIPs: 3, Resources: ['Microsoft Graph'], Apps: ['Graph Explorer'], SourceIPs: ['203.0.113.10', '198.51.100.23', '192.0.2.77'],
    UserAgents: ['curl/8.4.0'], Countries: ['US', 'NL', 'RU'], RiskIndicator: 'Token used from 3+ distinct IPs — likely shared or stolen token',
  },
  {
    TimeGenerated: '2025-03-01T07:00:00Z', UserPrincipalName: 'erin.kim@contoso.com', TokenUseCount: 2, UniqueResources: 1, UniqueApps: 1,
    UniqueIPs: 2, Resources: ['Office 365 Exchange Online'], Apps: ['Microsoft Office'], SourceIPs: ['192.0.2.40', '203.0.113.200'],
    UserAgents: ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Safari/537.36 Edg/121.0.0.0'],
    Countries: ['FR', 'BR'], RiskIndicator: 'Suspicious single-factor token-based authentication to sensitive resource',
  },
];

/** make_set's order is undefined in Kusto: compare its arrays as sets. */
const setsSorted = (rows: Record<string, unknown>[]) => rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Array.isArray(v) ? [...v].sort() : v])));

describe('seed 002 (T1550.001) on the sample sign-ins', () => {
  const r = checkRuleFile('rules/application_access_token_entra.yaml');
  const query = compileQuery(r.ir!);

  it('produces exactly the rows Kusto would, row by row, in sort order', () => {
    const run = runRule(r.rule!, query, events, NOW);
    expect(setsSorted(run.result.rows)).toEqual(setsSorted(EXPECTED));
  });

  it('raises one alert per row with the account entity and filled-in names', () => {
    const run = runRule(r.rule!, query, events, NOW);
    expect(run.alerts).toHaveLength(5);
    const alice = run.alerts.find((a) => a.entities.some((e) => e.FullName === 'alice.wong@contoso.com'))!;
    expect(alice.displayName).toBe('Application access token abuse by alice.wong@contoso.com');
    expect(alice.description).toBe('Token used from 3+ distinct IPs — likely shared or stolen token (3 token sign-ins in one hour)');
    expect(alice.entities).toEqual([{ entityType: 'Account', FullName: 'alice.wong@contoso.com' }]);
    expect(alice.customDetails).toEqual({ TokenUseCount: [3], UniqueIPs: [3], UniqueResources: [1], RiskIndicator: ['Token used from 3+ distinct IPs — likely shared or stolen token'] });
  });

  it('each exclusion matters: removing it changes the result', () => {
    const failed = events.map((e) => ({ ...(e as object), ResultType: '0' }));
    const users = (evs: unknown[]) => new Set(runRule(r.rule!, query, evs, NOW).result.rows.map((x) => x.UserPrincipalName));
    expect(users(failed).has('frank.ngo@contoso.com')).toBe(true);
    const mfa = events.map((e) => ({ ...(e as object), AuthenticationRequirement: 'singleFactorAuthentication' }));
    expect(users(mfa).has('grace.hall@contoso.com')).toBe(true);
    expect(users(events).has('grace.hall@contoso.com')).toBe(false);
    // A day later, the window has moved past every event.
    expect(runRule(r.rule!, query, events, NOW + 2 * 86_400_000).alerts).toEqual([]);
  });

  it('SingleAlert groups every row into one alert', () => {
    const single = { ...r.rule!, aggregationKind: 'SingleAlert' as const };
    const run = runRule(single, query, events, NOW);
    expect(run.alerts).toHaveLength(1);
    expect(run.alerts[0]!.entities).toHaveLength(5);
    expect(run.alerts[0]!.customDetails.TokenUseCount).toEqual([51, 11, 5, 3, 2]);
  });
});
