// Seeded generators of realistic events for the benchmarks (no I/O): same seed, same events.

/** Mulberry32: a small, fast, seeded PRNG. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = (r, xs) => xs[Math.floor(r() * xs.length)];
const NOW = Date.parse('2025-03-01T12:00:00Z');
export { NOW };

const AGENTS_BENIGN = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Safari/537.36 Edg/121.0.0.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15',
  'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17126; Pro)',
  'Windows-AzureAD-Authentication-Provider/1.0',
];
const AGENTS_SUSPICIOUS = ['curl/8.4.0', 'python-requests/2.31.0', 'Go-http-client/2.0', 'okhttp/4.12.0', 'axios/1.6.7'];
const RESOURCES_SENSITIVE = ['Microsoft Graph', 'Office 365 Exchange Online', 'Office 365 SharePoint Online', 'Azure Key Vault'];
const RESOURCES_OTHER = ['Contoso HR Portal', 'Contoso Expenses', 'Windows Azure Active Directory', 'Microsoft Intune'];
const APPS = ['Microsoft Office', 'Graph Explorer', 'Microsoft Azure PowerShell', 'Microsoft Teams', 'Contoso Expenses'];
const COUNTRIES = ['US', 'NL', 'DE', 'GB', 'FR', 'BR', 'JP'];

/**
 * Non-interactive sign-ins over 24 hours. `suspiciousShare` of them use an automation client;
 * a fifth of all are failures or multi-factor and are filtered out early.
 */
export function signins(n, { seed = 1, users = 5000, suspiciousShare = 0.05 } = {}) {
  const r = rng(seed);
  const out = new Array(n);
  for (let i = 0; i < n; i++) {
    const u = Math.floor(r() * users);
    const suspicious = r() < suspiciousShare;
    out[i] = {
      TimeGenerated: new Date(NOW - Math.floor(r() * 86_400_000)).toISOString(),
      UserPrincipalName: `user${u}@contoso.com`,
      ResultType: r() < 0.1 ? '50126' : '0',
      AuthenticationRequirement: r() < 0.1 ? 'multiFactorAuthentication' : 'singleFactorAuthentication',
      ConditionalAccessStatus: pick(r, ['notApplied', 'notApplied', 'notApplied', 'success', 'disabled']),
      UserAgent: suspicious ? pick(r, AGENTS_SUSPICIOUS) : pick(r, AGENTS_BENIGN),
      ResourceDisplayName: r() < 0.3 ? pick(r, RESOURCES_SENSITIVE) : pick(r, RESOURCES_OTHER),
      AppDisplayName: pick(r, APPS),
      IPAddress: `198.51.${Math.floor(r() * 4)}.${u % 250}`,
      LocationDetails: `{"city":"","state":"","countryOrRegion":"${pick(r, COUNTRIES)}","geoCoordinates":{}}`,
      Type: 'AADNonInteractiveUserSignInLogs',
    };
  }
  return out;
}

const OPERATIONS_MATCH = ['Consent to application', 'Add app role assignment grant to user', 'Add delegated permission grant', 'Add service principal'];
const OPERATIONS_OTHER = ['Update user', 'Add member to group', 'Reset password', 'Update application', 'Delete user', 'Add owner to group'];

/** Entra audit events; `matchShare` are integration operations. */
export function audits(n, { seed = 2, matchShare = 0.02 } = {}) {
  const r = rng(seed);
  const out = new Array(n);
  for (let i = 0; i < n; i++) {
    const match = r() < matchShare;
    out[i] = {
      TimeGenerated: new Date(NOW - Math.floor(r() * 3_600_000)).toISOString(),
      OperationName: match ? pick(r, OPERATIONS_MATCH) : pick(r, OPERATIONS_OTHER),
      Result: r() < 0.95 ? 'success' : 'failure',
      CorrelationId: `c${i}`,
      InitiatedBy: { user: { userPrincipalName: `user${Math.floor(r() * 5000)}@contoso.com`, ipAddress: `203.0.113.${Math.floor(r() * 250)}` } },
      TargetResources: [{ displayName: pick(r, ['Mail Sync Pro', 'Microsoft Teams', 'PDF Tools', 'Contoso Expenses']), id: `t${i}`, type: 'ServicePrincipal' }],
      Type: 'AuditLogs',
    };
  }
  return out;
}
