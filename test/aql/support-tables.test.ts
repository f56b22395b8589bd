/**
 * The AQL backend's function and operator tables (which the support matrix is generated from) say
 * what the translator does: every function written in AQL translates its example to AQL that
 * parses, every function marked "not in AQL" is refused with the table's reason, and every key is
 * a catalog function or an IR operator.
 */
import { describe, expect, it } from 'vitest';
import { AQL_FUNCTIONS } from '../../src/backends/aql/functions.js';
import { checkAqlSyntax } from '../../src/backends/aql/grammar.js';
import { AQL_OPERATORS } from '../../src/backends/aql/operators.js';
import { aqlOfFunction, aqlOfQuery } from '../../src/backends/aql/support.js';
import { lookup } from '../../src/catalog/catalog.js';

describe('the AQL function table', () => {
  it('names catalog functions only', () => {
    expect(Object.keys(AQL_FUNCTIONS).filter((n) => lookup(n) === undefined)).toEqual([]);
  });

  it.each(Object.entries(AQL_FUNCTIONS).filter(([, e]) => 'example' in e))('%s: its example translates, and the whole query parses as AQL', (name) => {
    const out = aqlOfFunction(name);
    expect(out).toHaveProperty('aql');
    const entry = AQL_FUNCTIONS[name] as { example: string; table?: string; aggregate?: true };
    const table = entry.table ?? 'SigninLogs';
    // A value is a SELECT item (project), an aggregate a summarize, a condition (AQL cannot select
    // one) a filter: every example gives a whole query, and it parses.
    const asValue = aqlOfQuery(`${table} | ${entry.aggregate ? 'summarize' : 'project'} x = ${entry.example}`);
    const q = 'aql' in asValue || entry.aggregate ? asValue : aqlOfQuery(`${table} | where ${entry.example}`);
    expect(q).toHaveProperty('aql');
    expect(checkAqlSyntax((q as { aql: string }).aql)).toEqual([]);
  });

  it('a function marked not in AQL is refused with the table\'s reason', () => {
    const out = aqlOfQuery('SigninLogs | where strlen(substring(UserAgent, 0, 3)) > 1');
    expect(out).toEqual({ error: `substring() has no AQL translation: ${(AQL_FUNCTIONS.substring as { none: string }).none}` });
    const ago = aqlOfQuery('SigninLogs | extend Age = now() - TimeGenerated | project Age');
    expect(ago).toEqual({ error: expect.stringMatching(/^now\(\) has no AQL translation: AQL's NOW\(\) is not in IBM's reference/) });
  });
});

describe('the AQL operator table', () => {
  it('an operator marked not in AQL is refused with the table\'s reason', () => {
    for (const [op, query] of [
      ['make-series', 'SigninLogs | make-series n = count() on TimeGenerated step 1h'],
      ['serialize', 'SigninLogs | serialize | project UserPrincipalName'],
    ] as const) {
      expect(aqlOfQuery(query)).toEqual({ error: `${op} has no AQL equivalent: ${(AQL_OPERATORS[op] as { none: string }).none}` });
    }
  });
});
