/** docs/SUPPORT.md is generated from the code: regenerating it must give the committed file. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AQL_OPERATORS } from '../src/backends/aql/operators.js';
import { OPERATOR_PROBES, supportMatrix } from '../src/docs/support-matrix.js';
import { allEntries } from '../src/catalog/catalog.js';

describe('the support matrix', () => {
  it('docs/SUPPORT.md is current (run npm run support-matrix after changing the catalog, an operator or the AQL tables)', () => {
    expect(readFileSync('docs/SUPPORT.md', 'utf8')).toBe(supportMatrix());
  }, 60_000);

  it('lists every catalog function and probes every operator of the AQL operator table', () => {
    const text = readFileSync('docs/SUPPORT.md', 'utf8');
    for (const e of allEntries) expect(text).toContain(`| \`${e.name.replace(/\|/g, '\\|')}\` | ${e.kind} |`);
    const probed = new Set(OPERATOR_PROBES.map((p) => p.name.split(' ')[0]));
    expect(Object.keys(AQL_OPERATORS).filter((op) => !probed.has(op))).toEqual([]);
  });
});
