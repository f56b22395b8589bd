/**
 * The scoreboard: every documented example in the shared conformance cases, run through detc.
 * A case passes unless it is listed in conformance-known-failures.json with the reason; a listed
 * case that starts passing fails too, so the list is kept exact.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { caseSchema, caseTables, loadCases, runCase, type Outcome } from './conformance.js';
import { kustoResultColumns } from './kusto-types.js';

const KNOWN: Record<string, string> = JSON.parse(readFileSync(new URL('./conformance-known-failures.json', import.meta.url), 'utf8'));
const cases = loadCases();
const outcomes = new Map<string, Outcome>(cases.map((c) => [c.id, runCase(c)]));

describe('documented KQL examples (conformance)', () => {
  it('prints the counts', () => {
    const counts = { pass: 0, different: 0, unsupported: 0 };
    for (const o of outcomes.values()) counts[o.kind]++;
    const failing = [...outcomes].filter(([, o]) => o.kind !== 'pass').map(([id, o]) => `  ${o.kind} ${id}: ${'detail' in o ? o.detail : ''}`);
    console.log(`conformance: ${cases.length} cases: ${counts.pass} pass, ${counts.different} different rows, ${counts.unsupported} unsupported\n${failing.join('\n')}`);
    expect(counts.pass + counts.different + counts.unsupported).toBe(cases.length);
  });

  it('every known failure names a case that exists', () => {
    expect(Object.keys(KNOWN).filter((id) => !outcomes.has(id))).toEqual([]);
  });

  for (const c of cases) {
    const known = KNOWN[c.id];
    it(`${c.id}${known ? ' (known failure)' : ''}`, () => {
      const o = outcomes.get(c.id)!;
      if (known) {
        expect(o.kind, `${c.id} now passes: remove it from conformance-known-failures.json`).not.toBe('pass');
      } else {
        expect(o.kind === 'pass' ? 'pass' : `${o.kind}: ${o.detail}`).toBe('pass');
      }
    });
  }
});

/** Cases whose documented query Kusto.Language itself refuses, so there is no schema to compare. */
const NO_KUSTO_SCHEMA: Record<string, string> = {
  'docs:summarize-operator.md#5': 'the page counts count(x) of a long; Kusto.Language accepts only count() or count(bool)',
  'docs:summarize-operator.md#8': 'the page counts count(y) of a real; Kusto.Language accepts only count() or count(bool)',
};

describe('documented KQL examples: output schema as Kusto.Language gives it', () => {
  for (const c of cases) {
    const schema = caseSchema(c);
    if (!schema) continue;
    it.skipIf(NO_KUSTO_SCHEMA[c.id] !== undefined)(c.id, () => {
      const kusto = kustoResultColumns(c.query, caseTables(c));
      expect('error' in kusto ? kusto.error : kusto.columns.map((col) => `${col.name}:${col.type}`)).toEqual(schema);
    });
  }
});
