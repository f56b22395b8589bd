// Reading rule files with the yaml library: the errors a user sees for bad YAML, and the positions
// later diagnostics point at. Expected lines and columns are counted by hand from the texts here.
import { describe, expect, it } from 'vitest';
import { checkRuleFile, MAX_RULE_FILE_BYTES } from '../../src/compile.js';
import { loadRuleText, positionOf, queryMap } from '../../src/rule/load.js';
import { check, locations, ruleYaml } from '../helpers.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const source = (text: string) => {
  const { source, diagnostics } = loadRuleText('r.yaml', text);
  expect(diagnostics).toEqual([]);
  return source!;
};

describe('rule file errors', () => {
  it('a duplicate key is an error at the second key, not a silent overwrite', () => {
    const r = check(ruleYaml('SigninLogs').replace('severity: Medium\n', 'severity: Medium\nseverity: High\n'));
    expect(locations(r)).toEqual(['4:1 DTC1001']);
    expect(r.diagnostics[0]!.message).toMatch(/unique/);
  });

  it('a syntax error names the file, line and column', () => {
    const r = check('id: x\nname: [unclosed\nseverity: Medium\n', 'bad.yaml');
    expect(r.diagnostics.length).toBeGreaterThan(0);
    expect(r.diagnostics[0]).toMatchObject({ code: 'DTC1001', file: 'bad.yaml' });
    expect(r.diagnostics[0]!.start!.line).toBeGreaterThanOrEqual(2);
  });

  it('a byte order mark is read past once: same diagnostics at the same places as without it', () => {
    const text = ruleYaml('SigninLogs | where NoSuchColumn == 1');
    const plain = check(text);
    expect(locations(plain)).toHaveLength(1);
    expect(locations(check(`\ufeff${text}`))).toEqual(locations(plain));
  });

  it('a document that is not a mapping is refused with what a rule file is', () => {
    expect(locations(check('- just\n- a list\n'))).toEqual(['1:1 DTC1002']);
    expect(check('').diagnostics[0]!.message).toContain('must be a YAML mapping');
  });

  it('a file over the size cap is refused before it is parsed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'detc-load-'));
    try {
      const file = join(dir, 'huge.yaml');
      writeFileSync(file, `${ruleYaml('SigninLogs')}description: "${'x'.repeat(MAX_RULE_FILE_BYTES)}"\n`);
      const r = checkRuleFile(file);
      expect(r.diagnostics.map((d) => [d.code, d.file])).toEqual([['DTC1016', file]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('positions in a rule file', () => {
  const text = [
    'id: abc', //                        line 1
    'tactics: [Execution, "Persistence"]', // 2
    'entityMappings:', //                    3
    '  - entityType: IP', //                 4
    '    fieldMappings:', //                 5
    '      - identifier: Address', //        6
    '        columnName: IPAddress', //      7
    'query: |', //                           8
    '  SigninLogs', //                       9
    '  | where x == 1', //                   10
    'description: \'it\'\'s "quoted"\'', //  11
    '',
  ].join('\n');

  it('of values and keys, nested in sequences and mappings and in flow sequences', () => {
    const src = source(text);
    expect(positionOf(src, ['entityMappings', 0, 'fieldMappings', 0, 'columnName']).start).toEqual({ line: 7, col: 21 });
    expect(positionOf(src, ['entityMappings', 0, 'fieldMappings', 0, 'columnName'], true).start).toEqual({ line: 7, col: 9 });
    expect(positionOf(src, ['tactics', 1]).start).toEqual({ line: 2, col: 22 });
    expect(src.nodeAt(['tactics'])?.type).toBe('FLOW_SEQ');
    expect(src.nodeAt(['description'])?.type).toBe('QUOTE_SINGLE');
  });

  it('of a missing node: its nearest parent, or the top of the file', () => {
    const src = source(text);
    expect(positionOf(src, ['entityMappings', 0, 'nope']).start).toEqual({ line: 4, col: 5 });
    expect(positionOf(src, ['entityMappings', 5, 'fieldMappings']).start).toEqual({ line: 4, col: 3 });
    expect(positionOf(src, ['nothing']).start).toEqual({ line: 1, col: 1 });
  });

  it('inside a literal block query: its lines and columns in the file', () => {
    const map = queryMap(source(text));
    expect(map(0)).toEqual({ line: 9, col: 3 }); // S of SigninLogs
    expect(map('SigninLogs\n| where '.length)).toEqual({ line: 10, col: 11 }); // x
  });

  it('inside a one-line quoted query, past the quote', () => {
    const map = queryMap(source('query: "SigninLogs | take 1"\n'));
    expect(map('SigninLogs | '.length)).toEqual({ line: 1, col: 22 }); // t of take
  });

  it('a key that reads as a number is found by its text', () => {
    const src = source('customDetails:\n  1: Col\n');
    expect(positionOf(src, ['customDetails', '1']).start).toEqual({ line: 2, col: 6 });
  });
});
