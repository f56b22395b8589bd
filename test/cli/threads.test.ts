import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileTree as tree, replicateRules as replicate, ruleYaml } from '../helpers.js';

// Builds on worker threads must give exactly what one thread gives: the same files with the same
// bytes, the same diagnostics in the same order, the same exit code. The CLI runs as a process
// (its threads run bin/detc.js, the built entry point).

const detc = (args: string[]) => spawnSync(process.execPath, ['bin/detc.js', ...args], { encoding: 'utf8' });

describe('detc build on worker threads', () => {
  it('writes the same files, byte for byte, and prints the same report as one thread', () => {
    const dir = mkdtempSync(join(tmpdir(), 'detc-threads-'));
    const rules = join(dir, 'rules');
    mkdirSync(rules);
    replicate(rules, 12); // 72 rules: several batches for each thread
    const one = detc(['build', rules, '--no-kusto', '--workers', '0', '--out', join(dir, 'one')]);
    const three = detc(['build', rules, '--no-kusto', '--workers', '3', '--out', join(dir, 'three')]);
    expect(one.status).toBe(0);
    expect(three.status).toBe(0);
    expect(three.stdout.replaceAll(join(dir, 'three'), 'OUT')).toBe(one.stdout.replaceAll(join(dir, 'one'), 'OUT'));
    const written = tree(join(dir, 'one'));
    expect(Object.keys(written).length).toBeGreaterThan(72 * 4);
    expect(tree(join(dir, 'three'))).toEqual(written);
    // all-rules.json holds every rule once (in file order: the one-thread file above).
    const resources = JSON.parse(written['arm/all-rules.json']!).resources as { name: string }[];
    expect(new Set(resources.map((r) => r.name)).size).toBe(72);
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('reports the same errors (front end, duplicate ids across threads) and writes nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'detc-threads-'));
    const rules = join(dir, 'rules');
    mkdirSync(rules);
    replicate(rules, 8);
    // A duplicate of the first rule's id, late in the order (another thread's batch), and a rule
    // with a front-end error.
    const first = readdirSync(rules).sort()[0]!;
    writeFileSync(join(rules, 'zz_duplicate.yaml'), readFileSync(join(rules, first), 'utf8'));
    const dupOnly = (w: string) => detc(['build', rules, '--no-kusto', '--workers', w, '--format', 'json', '--out', join(dir, `dup${w}`)]);
    const [dup0, dup2] = [dupOnly('0'), dupOnly('2')];
    expect(dup0.status).toBe(1);
    expect(dup2.status).toBe(1);
    expect(dup2.stdout).toBe(dup0.stdout);
    expect(JSON.parse(dup0.stdout).diagnostics.filter((d: { code: string }) => d.code === 'DTC1014')).toHaveLength(1);
    writeFileSync(join(rules, '5_bad.yaml'), ruleYaml('SigninLogs | where Nope == 1'));
    const bad = (w: string) => detc(['build', rules, '--no-kusto', '--workers', w, '--out', join(dir, `bad${w}`)]);
    const [bad0, bad2] = [bad('0'), bad('2')];
    expect(bad0.status).toBe(1);
    expect(bad2.stdout.replaceAll('bad2', 'badN')).toBe(bad0.stdout.replaceAll('bad0', 'badN'));
    expect(bad0.stdout).toMatch(/5_bad\.yaml:\d+:\d+: error DTC3002/);
    expect(readdirSync(dir).sort()).toEqual(['rules']); // no output, no staging folder
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('check on threads prints what check on one thread prints', () => {
    const dir = mkdtempSync(join(tmpdir(), 'detc-threads-'));
    replicate(dir, 6);
    const args = ['check', dir, '--no-kusto', '--format', 'json'];
    const one = execFileSync(process.execPath, ['bin/detc.js', ...args, '--workers', '0'], { encoding: 'utf8' });
    expect(execFileSync(process.execPath, ['bin/detc.js', ...args, '--workers', '2'], { encoding: 'utf8' })).toBe(one);
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('refuses a --workers value that is not a small whole number', () => {
    const r = detc(['build', 'rules', '--workers', 'many', '--no-kusto', '--out', join(tmpdir(), 'never')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--workers must be a whole number from 0 to 64');
  });
});
