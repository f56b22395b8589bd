/**
 * A real rule with evaluate bag_unpack, unmodified from the shared corpus (Office_MailForwarding:
 * mv-apply builds a bag of the cmdlet's parameters, bag_unpack makes them columns, column_ifexists
 * reads the ones present), run end to end on events where two users forward to one address.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { capture } from '../helpers.js';

const RULE = '../shared/corpus/sentinel/microsoft-365/Office_MailForwarding.yaml';

describe.skipIf(!existsSync(RULE))('bag_unpack in a corpus rule (issue 27)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'detc-bag-unpack-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const event = (t: string, user: string, parameters: object[]) =>
    JSON.stringify({ TimeGenerated: t, OfficeWorkload: 'Exchange', Operation: 'Set-Mailbox', Parameters: JSON.stringify(parameters), UserId: user, ClientIP: '10.0.0.1:5555' });
  const events = join(dir, 'events.ndjson');
  writeFileSync(
    events,
    [
      event('2026-12-07T10:00:00Z', 'alice@contoso.com', [{ Name: 'Identity', Value: 'alice' }, { Name: 'ForwardingSmtpAddress', Value: 'smtp:evil@x.com' }]),
      event('2026-12-07T11:00:00Z', 'bob@contoso.com', [{ Name: 'ForwardTo', Value: 'evil@x.com' }]),
      event('2026-12-07T11:30:00Z', 'carol@contoso.com', [{ Name: 'RedirectTo', Value: 'other@y.com' }]),
    ].join('\n'),
  );

  it('checks for KQL and JS, and alerts on the destination two users forward to', async () => {
    const checked = capture();
    expect(await main(['check', RULE, '--no-config', '--target', 'kql', '--target', 'js'], checked)).toBe(0);
    const ran = capture();
    expect(await main(['run', RULE, '--no-config', '--events', events, '--now', '2026-12-07T12:00:00', '--format', 'ndjson'], ran)).toBe(0);
    const alerts = ran.stdout.trim().split('\n').map((l) => JSON.parse(l) as { rows: Record<string, unknown>[] });
    const rows = alerts.flatMap((a) => a.rows);
    expect(rows.map((r) => [r.DestinationMailAddress, r.DistinctUserCount, r.UserId])).toEqual([
      ['evil@x.com', 2, 'alice@contoso.com'],
      ['evil@x.com', 2, 'bob@contoso.com'],
    ]);
  });
});
