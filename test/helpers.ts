import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { checkRuleText, type FrontEndResult } from '../src/compile.js';
import type { CliIO } from '../src/cli/io.js';

/** A minimal valid rule around a query, for tests that are about the query. */
export function ruleYaml(query: string, extra = ''): string {
  const body = query.split('\n').map((l) => `  ${l}`).join('\n');
  return `id: 11111111-2222-3333-4444-555555555555
name: test rule
severity: Medium
queryFrequency: 1h
queryPeriod: 1h
triggerOperator: gt
triggerThreshold: 0
query: |
${body}
${extra}`;
}

export function check(text: string, file = 'rule.yaml'): FrontEndResult {
  return checkRuleText(file, text);
}

/** `file:line:col code` of each diagnostic, for exact-location assertions. */
export function locations(r: FrontEndResult): string[] {
  return r.diagnostics.map((d) => `${d.start?.line}:${d.start?.col} ${d.code}`);
}

/** A CLI output sink that records what the command printed. */
export function capture(): CliIO & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    color: false,
    isTTY: false,
    out: (t: string) => void (io.stdout += `${t}\n`),
    err: (t: string) => void (io.stderr += `${t}\n`),
  };
  return io;
}

/** The .yaml files under these folders, recursively (the bundled rules, mappings, the corpus). */
export function yamlFiles(...dirs: string[]): string[] {
  const files: string[] = [];
  const walk = (d: string): void => readdirSync(d, { withFileTypes: true }).forEach((e) => (e.isDirectory() ? walk(join(d, e.name)) : e.name.endsWith('.yaml') && files.push(join(d, e.name))));
  dirs.forEach(walk);
  return files;
}

/** The bundled rules copied `copies` times into `dir`, with distinct ids and file names (`<copy>_<name>`). */
export function replicateRules(dir: string, copies: number): void {
  const rules = readdirSync('rules').filter((f) => f.endsWith('.yaml'));
  let n = 0;
  for (let i = 0; i < copies; i++) {
    for (const f of rules) {
      const text = readFileSync(join('rules', f), 'utf8').replace(/^id: .*$/m, `id: ${String(n++).padStart(8, '0')}-0000-4000-8000-000000000000`).replace(/\.\.\/examples\//g, `${process.cwd()}/examples/`);
      writeFileSync(join(dir, `${i}_${f}`), text);
    }
  }
}

/** Every file under `dir`, by relative path, with its text. */
export function fileTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[relative(dir, p)] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

/** Runs `f` with the process's time zone set to `zone` (Node applies a TZ change at once), then restores it. */
export function inTimeZone<T>(zone: string, f: () => T): T {
  const before = process.env.TZ;
  process.env.TZ = zone;
  try {
    return f();
  } finally {
    if (before === undefined) delete process.env.TZ;
    else process.env.TZ = before;
  }
}
