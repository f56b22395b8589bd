import { mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { capture } from '../helpers.js';

/** TypeScript's errors for files in a project whose `detc` package is this one (its build/ declarations). */
function typeErrors(dir: string, files: string[]): string[] {
  const program = ts.createProgram(
    files.map((f) => join(dir, f)),
    { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, strict: true, noEmit: true, skipLibCheck: true, types: [] },
  );
  return ts.getPreEmitDiagnostics(program).map((d) => `${d.file ? d.file.fileName.slice(dir.length + 1) : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

describe('detc build --target js: a .d.mts beside each module', () => {
  it('a TypeScript project imports a generated rule with its types; misuse is a type error', async () => {
    const project = mkdtempSync(join(tmpdir(), 'detc-dts-'));
    const out = join(project, 'dist');
    const io = capture();
    expect(await main(['build', '--no-config', '--no-kusto', '--target', 'js', '--out', out, 'rules/federation_token_aws.yaml'], io), io.stderr).toBe(0);
    expect(readdirSync(join(out, 'js')).sort()).toEqual(['federation_token_aws.d.mts', 'federation_token_aws.mjs']);
    expect(io.stdout).toContain('js:  1 evaluator modules with their type declarations (.d.mts)');
    // The project's node_modules/detc is this package, as after `npm install detc`.
    mkdirSync(join(project, 'node_modules'));
    symlinkSync(resolve('.'), join(project, 'node_modules', 'detc'), 'dir');
    writeFileSync(
      join(project, 'use.mts'),
      `import rule, { id } from "./dist/js/federation_token_aws.mjs";
const run = rule.run([{ TimeGenerated: "2025-03-01T11:00:00Z" }], { now: "2025-03-01T12:00:00Z" });
const count: number = run.alerts.length;
const exact: "0e4bead3-23af-444b-9b79-28635fcf7a29" = id;
const threshold: number = rule.spec.triggerThreshold;
console.log(count, exact, threshold, run.triggered);
`,
    );
    writeFileSync(join(project, 'misuse.mts'), `import rule from "./dist/js/federation_token_aws.mjs";\nrule.run([]);\nconst n: string = rule.run([], { now: 0 }).alerts;\n`);
    expect(typeErrors(project, ['use.mts'])).toEqual([]);
    const errors = typeErrors(project, ['misuse.mts']);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/^misuse\.mts: Expected 2 arguments, but got 1/);
    expect(errors[1]).toMatch(/^misuse\.mts: Type 'Alert\[\]' is not assignable to type 'string'/);
  });
});
