import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * The hand-checked seed tables (targets/tables/*.json) win over the generated list for their
 * tables; where a column is in both, its type must be the one Microsoft's table reference
 * documents (../shared/schemas/log-analytics/tables.tsv). A wrong type there makes real rules
 * fail: Sentinel's AWS rules group by AdditionalEventData, which the 39-column validation file
 * typed dynamic ("cannot group by a dynamic value").
 */
describe('seed tables agree with the documented column types', () => {
  const documented = new Map<string, Map<string, string>>();
  for (const line of readFileSync('../shared/schemas/log-analytics/tables.tsv', 'utf8').split('\n').slice(1)) {
    const [table, column, type] = line.split('\t');
    if (!table || !column || !type) continue;
    if (!documented.has(table)) documented.set(table, new Map());
    documented.get(table)!.set(column, type);
  }
  const seeds = readdirSync('targets/tables').filter((f) => f.endsWith('.json'));

  it.each(seeds)('%s', (file) => {
    const { name, columns } = JSON.parse(readFileSync(`targets/tables/${file}`, 'utf8')) as { name: string; columns: Record<string, string> };
    const doc = documented.get(name);
    if (!doc) return expect(name).toMatch(/_CL$/); // only custom tables are undocumented
    const differing = Object.entries(columns).filter(([c, t]) => doc.has(c) && doc.get(c) !== t).map(([c, t]) => `${c}: ${t}, documented ${doc.get(c)}`);
    expect(differing).toEqual([]);
  });
});
