import { readdirSync } from 'node:fs';
import { join } from 'node:path';
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
