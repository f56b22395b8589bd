import { describe, expect, it } from 'vitest';
import { loadMappings } from '../../src/backends/aql/mapping.js';
import { translateToAql } from '../../src/backends/aql/translate.js';
import { bindOp, checkSchemaAndKql, problemOf, runOp } from './helpers.js';

const NETS = 'let Nets = datatable(network:string, country:string, y:long)["5.8.0.0/19", "RU", 1, "2.20.183.0/24", "GB", 2, "46.36.200.51/32", "CK", 3];';

// https://learn.microsoft.com/kusto/query/ipv4-lookup-plugin
describe('evaluate ipv4_lookup (issue 27)', () => {
  it.each([
    `${NETS} A | evaluate ipv4_lookup(Nets, x, network)`,
    `${NETS} A | evaluate ipv4_lookup(Nets, x, network, true)`,
    `${NETS} A | evaluate ipv4_lookup(Nets, x, network, y)`,
    `${NETS} A | evaluate ipv4_lookup(Nets, x, network, y, return_unmatched = false)`,
    `${NETS} A | evaluate ipv4_lookup((Nets | where country != "CK"), x, network) | project x, country`,
  ])('%s: the input\'s columns then the lookup table\'s (a clash renamed, extra keys once), as Kusto.Language computes them', (q) => {
    checkSchemaAndKql(q);
  });

  const events = { A: ['2.20.183.12', '5.8.1.2', '192.165.12.17', '46.36.200.51'].map((x, i) => ({ x, y: i, TimeGenerated: '2025-03-01T00:00:00Z' })) };

  it('keeps the rows whose address a range (IP-prefix notation, or one address) contains, joined with it', () => {
    expect(runOp(`${NETS} A | evaluate ipv4_lookup(Nets, x, network) | project x, country`, events)).toEqual([
      { x: '2.20.183.12', country: 'GB' },
      { x: '5.8.1.2', country: 'RU' },
      { x: '46.36.200.51', country: 'CK' },
    ]);
  });

  it('return_unmatched keeps the others, the lookup columns empty', () => {
    const out = runOp(`${NETS} A | evaluate ipv4_lookup(Nets, x, network, return_unmatched = true) | project x, country, y1`, events);
    expect(out[2]).toEqual({ x: '192.165.12.17', country: '', y1: null });
    expect(out.length).toBe(4);
  });

  it('extra keys must be equal too', () => {
    // 2.20.183.12 has y 0, its range y 2: no match. 5.8.1.2 (y 1) and 46.36.200.51 (y 3) match theirs.
    expect(runOp(`${NETS} A | evaluate ipv4_lookup(Nets, x, network, y) | project x, country`, events)).toEqual([
      { x: '5.8.1.2', country: 'RU' },
      { x: '46.36.200.51', country: 'CK' },
    ]);
  });

  it('bad arguments: a clear problem', () => {
    expect(problemOf('A | evaluate ipv4_lookup(B, x)')).toMatch(/ipv4_lookup takes ipv4_lookup\(LookupTable, SourceIPv4Key, IPv4LookupKey/);
    expect(problemOf(`${NETS} A | evaluate ipv4_lookup(Nets, nosuch, network)`)).toMatch(/UnknownColumn: nosuch .*needs a column of its input/);
    expect(problemOf(`${NETS} A | evaluate ipv4_lookup(Nets, y, network)`)).toMatch(/keys are IPv4 strings; y is long/);
    expect(problemOf('A | evaluate ipv4_lookup(1, x, network)')).toMatch(/first argument is the lookup table/);
  });

  it('AQL: an explicit error naming the plugin', () => {
    const t = translateToAql(bindOp(`${NETS} SecurityEvent | evaluate ipv4_lookup(Nets, Computer, network)`), loadMappings().get('SecurityEvent'), new Set(), undefined);
    expect(t.errors.map((e) => e.message)).toEqual(['evaluate ipv4_lookup has no AQL equivalent']);
  });
});
