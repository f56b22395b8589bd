import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alertsFor, eachAlert, type AlertSpec } from '../../src/backends/js/alerts.js';
import { toKqlString } from '../../src/semantics/values.js';
import type { ResultTable } from '../../src/backends/js/compile.js';

const spec = (over: Partial<AlertSpec> = {}): AlertSpec => ({
  name: 'Rule name',
  description: 'Rule description',
  severity: 'Medium',
  tactics: ['Persistence'],
  techniques: ['T1671'],
  triggerOperator: 'gt',
  triggerThreshold: 0,
  entityMappings: [{ entityType: 'Account', fieldMappings: [{ identifier: 'FullName', columnName: 'User' }] }],
  customDetails: { Count: 'n' },
  alertDetailsOverride: undefined,
  aggregationKind: 'AlertPerResult',
  queryPeriodMs: 3_600_000,
  ...over,
});
const result = (rows: Record<string, unknown>[]): ResultTable => ({ columns: [], rows });

describe('alert placeholders', () => {
  // What they were before templates were parsed once: one regex replace per alert.
  const replaced = (template: string | undefined, fallback: string, row: Record<string, unknown>) =>
    template ? template.replace(/\{\{\s*([^}]+?)\s*\}\}/g, (_, c: string) => toKqlString(row[c])) : fallback;

  it('fill {{ Column }} as a regex replace per alert did, on any template text', () => {
    const piece = fc.constantFrom('{{User}}', '{{ n }}', '{{  Missing }}', '{{', '}}', '{', '}', '{{}}', 'x', ' by ', '{{User}}{{n}}', '$1', '\u2014');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }).map((a) => a.join('')), fc.option(fc.string(), { nil: undefined }), (template, other) => {
        const rows = [{ User: 'alice@contoso.com', n: 3 }, { User: other ?? null, n: 0.5 }];
        const alerts = alertsFor(spec({ alertDetailsOverride: { alertDisplayNameFormat: template, alertDescriptionFormat: template } }), result(rows)).alerts;
        expect(alerts.map((a) => a.displayName)).toEqual(rows.map((r) => replaced(template, 'Rule name', r)));
        expect(alerts.map((a) => a.description)).toEqual(rows.map((r) => replaced(template, 'Rule description', r)));
      }),
      { numRuns: 500 },
    );
  });

  it('makes the same alerts one at a time as all at once, and none when the trigger does not fire', () => {
    const rows = [{ User: 'a', n: 1 }, { User: 'b', n: 2 }];
    for (const aggregationKind of ['AlertPerResult', 'SingleAlert'] as const) {
      const s = spec({ aggregationKind });
      expect([...eachAlert(s, result(rows))]).toEqual(alertsFor(s, result(rows)).alerts);
      expect([...eachAlert(s, result(rows))]).toHaveLength(aggregationKind === 'AlertPerResult' ? 2 : 1);
    }
    expect([...eachAlert(spec({ triggerThreshold: 2 }), result(rows))]).toEqual([]);
    expect(alertsFor(spec({ triggerThreshold: 2 }), result(rows))).toMatchObject({ triggered: false, alerts: [] });
  });
});
