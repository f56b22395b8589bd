/**
 * Review findings on the semantics work (issue 28): where detc's evaluator differs from Kusto it
 * says so at the call (hash without a modulo, percentiles), row_window_session, guid literals.
 */
import { describe, expect, it } from 'vitest';
import { rowsAllowingApproximation as rowsWithApproximation } from './approximation-helpers.js';
import { loadMappings } from '../../src/backends/aql/mapping.js';
import { translateToAql } from '../../src/backends/aql/translate.js';
import { loadTables } from '../../src/ir/tables.js';
import { bind } from '../js/helpers.js';
import { emitKql } from '../../src/backends/kql/emit.js';
import { bindOp, checkSchemaAndKql, runOp } from '../operators/helpers.js';
import { problems } from './query-checks.js';

describe('hash(): no silent rounding of the 64-bit result', () => {
  // https://learn.microsoft.com/kusto/query/hash-function: hash("World") == 1846988464401551951, so
  // hash("World") % 10 is 1 in Kusto; a double holds 1846988464401551872 (% 10 == 2).
  it('hash(x) % n: the remainder of the exact 64-bit value, with Kusto\'s modulo (never negative); no warning', () => {
    // https://learn.microsoft.com/kusto/query/numerical-operators ("Note on the modulo operator"): 0 <= N % D < abs(D).
    expect(problems('T | project v = hash("World") % 10')).toEqual([]);
    const signed = (s: string) => rowsWithApproximation(`T | project v = tostring(hash("${s}"))`, [{}])[0]!.v as string;
    const kustoModulo = (s: string, d: bigint) => Number(((BigInt(signed(s)) % d) + d) % d);
    const out = rowsWithApproximation('T | project a = hash("World") % 10, b = hash(s) % -7, c = hash(s) % n, d = hash(s) % 0, e = hash(s, 1000)', [{ s: 'a', n: 1000 }])[0]!;
    // hash("a") is -3292477735350538661 as a long: % 1000 is 339 (never negative); hash("a", 1000)
    // takes the remainder of the unsigned value (15154266338358 ... 955).
    expect(signed('a')).toBe('-3292477735350538661');
    expect(out).toEqual({ a: 1, b: kustoModulo('a', 7n), c: 339, d: null, e: 955 });
    checkSchemaAndKql('A | extend v = hash(x) % 10, w = (hash(x) % 10) * 2');
    expect(emitKql(bindOp('A | extend v = hash(x) % (y + 1)'))).toContain('hash(x) % (y + 1)');
  });

  it('AQL: hash(x) % n and tostring(hash(x)) are refused naming hash, not a hidden argument', () => {
    for (const v of ['hash(UserPrincipalName) % 10', 'tostring(hash(UserPrincipalName))']) {
      const errors = translateToAql(bind(`SigninLogs | extend v = ${v} | where v == "1"`.replace('== "1"', v.startsWith('tostring') ? '== "1"' : '== 1'), loadTables()), loadMappings().get('SigninLogs'), new Set(), 3_600_000).errors.map((e) => e.message);
      expect(errors.join('\n')).toMatch(/hash\(\) has no AQL/);
      expect(errors.join('\n')).not.toMatch(/\u0000/);
    }
  });

  it('used as a number otherwise: a warning naming the approximation and the exact forms', () => {
    expect(problems('T | project v = hash("World")')).toEqual([expect.stringMatching(/^EvaluatorApproximation: hash\(\): without a modulo the 64-bit hash is held as a double.*hash\(x\) % n, hash\(x, n\), tostring\(hash\(x\)\).* are exact/)]);
    expect(problems('T | project v = 3 % hash(s)')[0]).toMatch(/^EvaluatorApproximation: hash\(\): without a modulo/);
    expect(problems('T | where hash_xxhash64(s) > 0')[0]).toMatch(/^EvaluatorApproximation: hash_xxhash64\(\): without a modulo/);
  });

  it('with a modulo: exact (the remainder of the 64-bit value), no warning', () => {
    expect(problems('T | project v = hash("World", 10)')).toEqual([]);
    expect(rowsWithApproximation('T | project v = hash("World", 10)', [{}])).toEqual([{ v: Number(1846988464401551951n % 10n) }]);
  });

  it('printed by tostring or strcat: the exact decimal text, no warning; the KQL is the call as written', () => {
    expect(problems('T | project v = tostring(hash("World")), w = strcat("x_", hash_xxhash64(s))')).toEqual([]);
    // 1846988464401551951 from the page; as a double it would print 1846988464401552000.
    expect(rowsWithApproximation('T | project v = tostring(hash("World")), w = strcat("x_", hash(s), "_", hash(s, 100))', [{ s: 'World' }])).toEqual([
      { v: '1846988464401551951', w: 'x_1846988464401551951_51' },
    ]);
    checkSchemaAndKql('A | project v = tostring(hash(x)), w = strcat("SeeFilesListField", "_", tostring(hash(tostring(y))))');
    expect(emitKql(bindOp('A | project v = tostring(hash(x))'))).toContain('tostring(hash(x))');
  });

  it('a datetime column printed: no warning (detc hashes the datetime\'s 100 ns ticks, as Kusto)', () => {
    expect(problems('T | project v = tostring(hash(t))')).toEqual([]);
  });

  it('of a datetime column with a modulo: no warning; the ticks below the millisecond are hashed', () => {
    expect(problems('T | project v = hash(t, 100)')).toEqual([]);
    expect(problems('T | project v = hash(datetime(2015-01-01), 1000)')).toEqual([]);
    // https://learn.microsoft.com/kusto/query/hash-function hashes a datetime's ticks: 100 ns apart, another hash.
    const [row] = rowsWithApproximation('T | project a = hash(datetime(2015-01-01 00:00:00.0000001), 1000000), b = hash(datetime(2015-01-01 00:00:00.0000002), 1000000)', [{}]);
    expect(row!.a).not.toBe(row!.b);
  });
});

describe('percentiles: the exact value where Kusto estimates', () => {
  // https://learn.microsoft.com/kusto/query/percentiles-aggregation-function ("Estimation error in
  // percentiles"): T-Digest, exact only for 0 and 100; "there are no reliable conditions to define
  // when it will be [precise]", so even a small input may differ.
  it.each(['percentile(n, 50)', 'percentiles(n, 0, 95)', 'percentiles_array(n, 50, 90)', 'percentiles_array(n, dynamic([5, 25]))'])('%s warns', (call) => {
    expect(problems(`T | summarize ${call}`)).toEqual([expect.stringMatching(/^EvaluatorApproximation: percentile.*exact nearest-rank percentile; Kusto estimates it with T-Digest/)]);
  });
  it('0 and 100 are exact in Kusto too: no warning', () => {
    expect(problems('T | summarize percentiles(n, 0, 100)')).toEqual([]);
    expect(problems('T | summarize percentile(n, 100)')).toEqual([]);
  });
  it('the warning leaves the query compiled: the exact nearest-rank value', () => {
    expect(rowsWithApproximation('T | summarize percentile(n, 50)', [{ n: 3 }, { n: 1 }, { n: 2 }])).toEqual([{ percentile_n_50: 2 }]);
  });
});

describe('row_window_session (https://learn.microsoft.com/kusto/query/row-window-session-function)', () => {
  const page = `datatable (ID:string, Timestamp:datetime) [
    "1", datetime(2024-04-11 10:00:00),
    "2", datetime(2024-04-11 10:18:00),
    "1", datetime(2024-04-11 11:00:00),
    "3", datetime(2024-04-11 11:30:00),
    "2", datetime(2024-04-11 13:30:00),
    "2", datetime(2024-04-11 10:16:00)
]
| sort by ID asc, Timestamp asc
| extend SessionStarted = row_window_session(Timestamp, 1h, 5m, ID != prev(ID))`;

  it("the page's example: its output", () => {
    expect(runOp(page, {})).toEqual([
      { ID: '1', Timestamp: '2024-04-11T10:00:00Z', SessionStarted: '2024-04-11T10:00:00Z' },
      { ID: '1', Timestamp: '2024-04-11T11:00:00Z', SessionStarted: '2024-04-11T11:00:00Z' },
      { ID: '2', Timestamp: '2024-04-11T10:16:00Z', SessionStarted: '2024-04-11T10:16:00Z' },
      { ID: '2', Timestamp: '2024-04-11T10:18:00Z', SessionStarted: '2024-04-11T10:16:00Z' },
      { ID: '2', Timestamp: '2024-04-11T13:30:00Z', SessionStarted: '2024-04-11T13:30:00Z' },
      { ID: '3', Timestamp: '2024-04-11T11:30:00Z', SessionStarted: '2024-04-11T11:30:00Z' },
    ]);
  });

  it('the page\'s example: schema as Kusto.Language computes it; KQL accepted and round-trips', () => {
    checkSchemaAndKql(page);
  });

  it('boundaries: "equals or exceeds" the session start + MaxDistanceFromFirst, or the previous value + MaxDistanceBetweenNeighbors; null restarts', () => {
    const sessions = (times: (string | null)[], first: string, neighbors: string) =>
      runOp(`datatable (t:datetime) [${times.map((x) => (x === null ? 'datetime(null)' : `datetime(${x})`)).join(', ')}] | serialize s = row_window_session(t, ${first}, ${neighbors}) | project s`, {}).map((r) => r.s);
    // Neighbours 5m apart exactly: a new session; 4m59s: the same one.
    expect(sessions(['2024-01-01 10:00', '2024-01-01 10:05', '2024-01-01 10:09:59'], '1h', '5m')).toEqual(['2024-01-01T10:00:00Z', '2024-01-01T10:05:00Z', '2024-01-01T10:05:00Z']);
    // From the session's first value: 10m exactly starts a new session though neighbours are close.
    expect(sessions(['2024-01-01 10:00', '2024-01-01 10:04', '2024-01-01 10:08', '2024-01-01 10:10'], '10m', '5m')).toEqual(['2024-01-01T10:00:00Z', '2024-01-01T10:00:00Z', '2024-01-01T10:00:00Z', '2024-01-01T10:10:00Z']);
    // A null value gives null; the next value starts a new session.
    expect(sessions(['2024-01-01 10:00', null, '2024-01-01 10:01'], '1h', '5m')).toEqual(['2024-01-01T10:00:00Z', null, '2024-01-01T10:01:00Z']);
  });

  it('AQL: an explicit error naming the function (AQL has no row order, nor window functions)', () => {
    const q = 'SigninLogs | sort by UserPrincipalName asc, TimeGenerated asc | extend s = row_window_session(TimeGenerated, 1h, 5m, UserPrincipalName != prev(UserPrincipalName))';
    const errors = translateToAql(bind(q, loadTables()), loadMappings().get('SigninLogs'), new Set(), 3_600_000).errors.map((e) => e.message);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.join('\n')).toMatch(/row_window_session\(\) has no AQL translation|prev\(\) has no AQL translation/);
  });

  it('type errors name the argument; outside serialized rows it is refused as the other window functions', () => {
    expect(problems('T | serialize | extend s = row_window_session(s, 1h, 5m)')).toEqual(["TypeMismatch: row_window_session's value must be datetime, not string"]);
    expect(problems('T | serialize | extend s = row_window_session(t, 1h, 5)')).toEqual(["TypeMismatch: row_window_session's MaxDistanceBetweenNeighbors must be timespan, not long"]);
    expect(problems('T | extend s = row_window_session(t, 1h, 5m)')[0]).toMatch(/row_window_session\(\) needs serialized rows/);
  });
});

describe('guid literals (https://learn.microsoft.com/kusto/query/scalar-data-types/guid)', () => {
  it('guid(...) with a GUID starting with digits, or letters, is a guid value', () => {
    // The gettype page's example writes guid(12e8b78d-55b4-46ae-b068-26d7a0080254).
    expect(rowsWithApproximation('T | project g = guid(12e8b78d-55b4-46ae-b068-26d7a0080254), k = gettype(guid(12e8b78d-55b4-46ae-b068-26d7a0080254))', [{}])).toEqual([
      { g: '12e8b78d-55b4-46ae-b068-26d7a0080254', k: 'guid' },
    ]);
    expect(rowsWithApproximation('T | project g = guid(74BE27DE-1E4E-49D9-B579-FE0B331D3642), q = guid("74be27de-1e4e-49d9-b579-fe0b331d3642"), n = isnull(guid(null))', [{}])).toEqual([
      { g: '74be27de-1e4e-49d9-b579-fe0b331d3642', q: '74be27de-1e4e-49d9-b579-fe0b331d3642', n: true },
    ]);
  });
  it('KQL: Kusto.Language accepts the emitted literal, and it round-trips', () => {
    checkSchemaAndKql('A | extend g = guid(12e8b78d-55b4-46ae-b068-26d7a0080254), n = guid(null)');
  });
  it('a malformed guid literal: an error naming it and the form', () => {
    expect(problems('T | project g = guid(12e8b78d-55b4)')[0]).toMatch(/guid\(12e8b78d-55b4\).*not a valid guid literal/);
  });
});

describe('endof*: the last tick of the period, as Kusto', () => {
  it('compiles, compares and prints as Kusto: .9999999', () => {
    // https://learn.microsoft.com/kusto/query/endofday-function: endofday(datetime(2017-01-01 10:10:17)) is 2017-01-01T23:59:59.9999999Z.
    expect(rowsWithApproximation('T | project e = endofday(datetime(2017-01-01 10:10:17)), before = endofday(datetime(2017-01-01 10:10:17)) < datetime(2017-01-02), last = endofday(datetime(2017-01-01 10:10:17)) > datetime(2017-01-01 23:59:59.9999998), s = tostring(endofday(datetime(2017-01-01 10:10:17)))', [{}])).toEqual([
      { e: '2017-01-01T23:59:59.9999999Z', before: true, last: true, s: '2017-01-01T23:59:59.9999999Z' },
    ]);
  });
});
