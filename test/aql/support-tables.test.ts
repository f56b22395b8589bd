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

  it('is the one place the functions below are written: their entries carry the lowering', () => {
    const lowered = Object.entries(AQL_FUNCTIONS).filter(([, e]) => 'example' in e && e.aql !== undefined).map(([n]) => n);
    expect(lowered.sort()).toEqual(
      ['==', '!=', '=~', '!~', 'and', 'or', '/', 'negate', 'between', '!between', 'bin', 'floor', 'iff', 'iif', 'case', 'split', 'matches regex', 'isempty', 'isnotempty', 'isnull', 'isnotnull', 'ipv4_is_in_range', 'ipv4_is_in_any_range', 'has_any', 'has_all', ...['has', 'hasprefix', 'hassuffix', 'contains', 'startswith', 'endswith'].flatMap((op) => [op, `${op}_cs`, `!${op}`, `!${op}_cs`]), '<', '<=', '>', '>=', '+', '-', '*', '%', 'tolower', 'strlen', 'strcat', 'trim', 'trim_start', 'trim_end', 'replace_string', 'replace_regex', 'replace', 'substring', 'indexof', 'count', 'countif', 'dcount', 'count_distinct', 'sum', 'sumif', 'min', 'max', 'avg'].sort(),
    );
  });

  it('a lowering that needs a constant says which argument, in the order the arguments are read', () => {
    expect(aqlOfQuery('SigninLogs | project x = trim(AppDisplayName, UserAgent)')).toEqual({ error: 'the regular expression of trim() must be a constant string for AQL' });
    expect(aqlOfQuery('SigninLogs | project x = replace_string(UserAgent, "a", AppDisplayName)')).toEqual({ error: 'the replacement of replace_string() must be a constant string for AQL' });
    expect(aqlOfQuery('SigninLogs | project x = replace(UserAgent, "b", AppDisplayName)')).toEqual({ error: 'the regular expression of replace() must be a constant string for AQL' });
    // An empty lookup leaves the text as it is, with no REPLACEALL note.
    const unchanged = aqlOfQuery('SigninLogs | project x = replace_string(UserAgent, "", "b")');
    expect(unchanged).toMatchObject({ notes: [] });
    expect((unchanged as { aql: string }).aql).not.toContain('REPLACEALL');
  });

  it('a function marked not in AQL is refused with the table\'s reason', () => {
    const out = aqlOfQuery('SigninLogs | where toint(UserAgent) > 1');
    expect(out).toEqual({ error: `toint() has no AQL translation: ${(AQL_FUNCTIONS.toint as { none: string }).none}` });
    // substring() is written in one form only; another is refused with IBM's gap named.
    expect(aqlOfQuery('SigninLogs | where strlen(substring(UserAgent, 0, 3)) > 1')).toEqual({ error: expect.stringMatching(/^substring\(\) has no AQL translation here: AQL's SUBSTRING is not in IBM's function reference .*; only substring\(s, indexof_regex\(s, "c"\) \+ 1\) is written/) });
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
