import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ruleYaml } from '../helpers.js';

/** A folder with a rule whose first test passes and second fails, and a rule that does not bind. */
export function ruleFolder(): { dir: string; good: string; broken: string } {
  const dir = mkdtempSync(join(tmpdir(), 'detc-test-report-'));
  const good = join(dir, 'bob.yaml');
  const event = '{ TimeGenerated: 2025-03-01T11:00:00Z, UserPrincipalName: bob }';
  writeFileSync(
    good,
    ruleYaml(
      'SigninLogs | where UserPrincipalName == "bob" | project UserPrincipalName',
      `tests:
  - name: bob alerts
    now: 2025-03-01T12:00:00Z
    events: [${event}]
    expect: { alerts: 1 }
  - name: "expects <none> & \\"quiet\\" \\x01 here"
    now: 2025-03-01T12:00:00Z
    events: [${event}]
    expect: { alerts: 0 }
`,
    ),
  );
  const broken = join(dir, 'broken.yaml');
  writeFileSync(broken, ruleYaml('SigninLogs | where NoSuchColumn == 1'));
  return { dir, good, broken };
}
