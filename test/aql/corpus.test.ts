/**
 * QRadar coverage of the shared corpus must not drop: of the rules that bind and read only mapped
 * tables, those that compile to AQL (each on its own, as --target aql), and with the named
 * approximations allowed. The floors are the figures measured when this test was written; raise
 * them when the AQL backend handles more. Every other rule names the construct that stops it.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain ES module script without type declarations
import { measureAql, qradarAccount } from '../../scripts/corpus-coverage.mjs';

const SHARED = resolve(__dirname, '..', '..', '..', 'shared');

describe('QRadar AQL over the shared corpus', () => {
  it('compiles at least as many rules as when measured, and every other rule says why', async () => {
    const r = (await measureAql({
      rules: join(SHARED, 'corpus', 'sentinel'),
      tables: join(SHARED, 'schemas', 'sentinel-validation', 'CustomTables'),
      functions: [join(SHARED, 'corpus', 'sentinel-parsers'), join(SHARED, 'schemas', 'sentinel-validation', 'CustomFunctions')],
    })) as { allMapped: number; compiled: number; compiledApproximating: number; perRule: { ok: boolean; error?: string }[] };
    // Rules that bind and read only mapped tables: grows as detc binds more of the corpus.
    expect(r.allMapped).toBeGreaterThanOrEqual(133);
    expect(r.compiled).toBeGreaterThanOrEqual(28);
    expect(r.compiledApproximating).toBeGreaterThanOrEqual(46);
    for (const rule of r.perRule) if (!rule.ok) expect(rule.error).toMatch(/^QRadar AQL: \S/);
    // The per-rule account (each stop classified as beyond AQL or not translated yet) is generated
    // from this measurement: a new stop, or a changed one, makes it stale (or unclassified) here.
    const account = (await qradarAccount(r)) as string;
    expect(readFileSync(resolve(__dirname, '..', '..', 'docs', 'qradar-coverage.md'), 'utf8'), 'docs/qradar-coverage.md is stale: run node scripts/corpus-coverage.mjs --write-qradar-account').toBe(account);
    // Its totals agree with the measurement and with its own table: every rule is counted once.
    const total = (label: string) => Number(new RegExp(`^\\| ${label} \\| (\\d+)/${r.allMapped} `, 'm').exec(account)?.[1]);
    expect(total('compile exactly')).toBe(r.compiled);
    expect(total('compile with approximations')).toBe(r.compiledApproximating);
    const blocked = [...account.split('## What AQL cannot say')[0]!.matchAll(/^\| [^|]+ \| (\d+) \|$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
    expect(blocked).toBe(total('blocked by AQL itself, even with approximations'));
    expect(total('ceiling with approximations') + blocked).toBe(r.allMapped);
    expect(account.split('\n').filter((l) => l.endsWith('.yaml |') || /\.yaml \| /.test(l)).length).toBe(r.allMapped);
  }, 120_000);
});
