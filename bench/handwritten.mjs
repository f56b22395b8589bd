// Idiomatic hand-written JavaScript for the benchmarked queries: what a developer would write for
// the same logic with the same semantics (whole-term has via bounded regexes, case-insensitive
// comparisons, make_set limits). The evaluator is measured against these.

const DAY = 86_400_000;
const HOUR = 3_600_000;
const term = (needles) =>
  new RegExp(needles.map((n) => `${/^[a-z0-9]/i.test(n) ? '(?<![\\p{L}\\p{N}])' : ''}${n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}${/[a-z0-9]$/i.test(n) ? '(?![\\p{L}\\p{N}])' : ''}`).join('|'), 'iu');
const AGENT = term(['python-requests', 'curl/', 'wget/', 'Go-http-client', 'okhttp/', 'node-fetch', 'axios/', 'PostmanRuntime', 'libcurl', 'ruby', 'aiohttp', 'httpx', 'java/']);
const SENSITIVE = term(['Microsoft Graph', 'Office 365 Exchange Online', 'SharePoint Online', 'Microsoft Teams', 'OneDrive', 'Azure Key Vault', 'Windows Azure Service Management API']);
const CA = new Set(['notapplied', 'disabled', 'notenabled']);
const ALLOWED = new Set(['svc-veeam-backup@contoso.com']);

/** Seed 002 (T1550.001) by hand. */
export function tokenAbuse(events, now) {
  const since = now - DAY;
  const groups = new Map();
  for (const e of events) {
    const t = Date.parse(e.TimeGenerated);
    if (!(t > since)) continue;
    if (e.ResultType !== '0') continue;
    if (ALLOWED.has(e.UserPrincipalName.toLowerCase())) continue;
    if (e.AuthenticationRequirement.toLowerCase() !== 'singlefactorauthentication') continue;
    if (!CA.has(e.ConditionalAccessStatus.toLowerCase())) continue;
    if (!AGENT.test(e.UserAgent) && !SENSITIVE.test(e.ResourceDisplayName)) continue;
    const hour = t - (t % HOUR);
    const key = `${e.UserPrincipalName}|${hour}`;
    let g = groups.get(key);
    if (!g) {
      g = { user: e.UserPrincipalName, hour, n: 0, res: new Set(), apps: new Set(), ips: new Set(), agents: new Set(), countries: new Set() };
      groups.set(key, g);
    }
    g.n++;
    g.res.add(e.ResourceDisplayName);
    g.apps.add(e.AppDisplayName);
    g.ips.add(e.IPAddress);
    g.agents.add(e.UserAgent);
    let country = '';
    try {
      country = String(JSON.parse(e.LocationDetails).countryOrRegion ?? '');
    } catch {}
    if (country) g.countries.add(country);
  }
  const rows = [];
  for (const g of groups.values()) {
    if (!(g.n > 10 || g.res.size >= 3 || g.ips.size >= 2)) continue;
    rows.push({
      TimeGenerated: new Date(g.hour).toISOString(),
      UserPrincipalName: g.user,
      TokenUseCount: g.n,
      UniqueResources: g.res.size,
      UniqueApps: g.apps.size,
      UniqueIPs: g.ips.size,
      Resources: [...g.res].slice(0, 10),
      Apps: [...g.apps].slice(0, 5),
      SourceIPs: [...g.ips].slice(0, 5),
      UserAgents: [...g.agents].slice(0, 3),
      Countries: [...g.countries].slice(0, 5),
      RiskIndicator: g.ips.size >= 3 ? 'ips' : g.res.size >= 5 ? 'resources' : g.n > 50 ? 'volume' : 'other',
    });
  }
  return rows.sort((a, b) => b.TokenUseCount - a.TokenUseCount);
}

const OPS = new Set(['consent to application', 'add app role assignment grant to user', 'add delegated permission grant', 'add application', 'add service principal']);
const APPROVED = new Set(['microsoft teams', 'office 365 exchange online', 'contoso expenses']);
const PROVISIONING = new Set(['svc-provisioning@contoso.com', 'contoso deployment pipeline']);

/** The T1671 Entra audit rule by hand. */
export function appConsent(events) {
  const rows = [];
  for (const e of events) {
    if (!OPS.has(e.OperationName.toLowerCase())) continue;
    if (e.Result.toLowerCase() !== 'success') continue;
    const user = String(e.InitiatedBy?.user?.userPrincipalName ?? '');
    const app = String(e.InitiatedBy?.app?.displayName ?? '');
    const ip = String(e.InitiatedBy?.user?.ipAddress ?? '');
    const target = e.TargetResources?.[0];
    const name = String(target?.displayName ?? '');
    if (APPROVED.has(name.toLowerCase())) continue;
    if (PROVISIONING.has(user.toLowerCase()) || PROVISIONING.has(app.toLowerCase())) continue;
    rows.push({ TimeGenerated: e.TimeGenerated, OperationName: e.OperationName, InitiatingUser: user, InitiatingApp: app, InitiatingIP: ip, AppName: name, AppObjectId: String(target?.id ?? ''), CorrelationId: e.CorrelationId });
  }
  return rows;
}

const CURL = term(['curl']);
/** `where ResultType == 0 and UserAgent has "curl"` by hand. */
export function pureFilter(events) {
  const rows = [];
  for (const e of events) if (e.ResultType === '0' && CURL.test(e.UserAgent)) rows.push(e);
  return rows;
}
