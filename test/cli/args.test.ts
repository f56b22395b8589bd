import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCommandArgs } from '../../src/cli/args.js';
import { CHECK, RUN } from '../../src/cli/commands.js';
import { main } from '../../src/cli/main.js';
import { capture } from '../helpers.js';

describe('detc --version and --help', () => {
  it('--version prints the version of package.json and exits 0', async () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    const io = capture();
    expect(await main(['--version'], io)).toBe(0);
    expect(io.stdout).toBe(`detc ${version}\n`);
  });

  it('<command> --help prints that command\'s usage and options on stdout, exits 0 and runs nothing', async () => {
    for (const [command, option] of [['check', '--no-kusto'], ['build', '--out DIR'], ['test', '--externaldata URL=FILE'], ['run', '--events FILE|-']] as const) {
      const io = capture();
      expect(await main([command, '--help'], io), command).toBe(0);
      expect(io.stdout).toMatch(new RegExp(`^usage: detc ${command} `));
      expect(io.stdout).toContain(option);
      expect(io.stdout).toContain('--tables FILE|DIR');
      expect(io.stderr).toBe('');
    }
    const short = capture();
    // -h after a path that does not exist: help comes first, nothing is read.
    expect(await main(['check', 'no/such/path', '-h'], short)).toBe(0);
    expect(short.stdout).toContain('usage: detc check');
  });
});

describe('unknown and malformed options', () => {
  it('an unknown option is a usage error (exit 2) with a did-you-mean and where to look', async () => {
    const io = capture();
    expect(await main(['check', 'rules', '--taget', 'kql'], io)).toBe(2);
    expect(io.stderr).toBe("detc check: unknown option --taget (did you mean '--target'?); detc check --help lists its options\n");
    expect(io.stdout).toBe('');
    const run = capture();
    expect(await main(['run', 'rule.yaml', '--event', 'x.ndjson'], run)).toBe(2);
    expect(run.stderr).toContain("unknown option --event (did you mean '--events'?)");
    const short = capture();
    expect(await main(['check', '-x'], short)).toBe(2);
    expect(short.stderr).toContain('unknown option -x;');
  });

  it('an unknown --allow-approximation name is a usage error naming the known ones (it would allow nothing)', async () => {
    const io = capture();
    expect(await main(['check', 'rules', '--no-kusto', '--allow-approximation', 'fist-array-element'], io)).toBe(2);
    expect(io.stderr).toContain("unknown approximation 'fist-array-element' (did you mean 'first-array-element'?)");
    expect(io.stderr).toContain('reference-set');
    expect(await main(['check', 'rules/federation_token_aws.yaml', '--no-kusto', '--allow-approximation', 'first-array-element'], capture())).toBe(0);
  });

  it('an unknown command is a usage error with a did-you-mean and the usage', async () => {
    const io = capture();
    expect(await main(['chek', 'rules'], io)).toBe(2);
    expect(io.stderr).toMatch(/^detc: unknown command 'chek' \(did you mean 'check'\?\)\n\ndetc: compile/);
  });

  it('an option of another command is unknown here', async () => {
    const io = capture();
    expect(await main(['test', '--no-kusto'], io)).toBe(2);
    expect(io.stderr).toContain('unknown option --no-kusto');
  });

  it('a missing value, a value on a flag and a twice-given single option are usage errors', () => {
    expect(() => parseCommandArgs(RUN, ['r.yaml', '--events'])).toThrow('--events needs a value: FILE|-');
    expect(() => parseCommandArgs(RUN, ['r.yaml', '--events', '--now', 'x'])).toThrow('--events needs a value');
    expect(() => parseCommandArgs(CHECK, ['--no-kusto=yes'])).toThrow("--no-kusto takes no value, got 'yes'");
    expect(() => parseCommandArgs(CHECK, ['--format', 'json', '--format=text'])).toThrow('--format given twice');
  });
});

describe('the forms every option keeps', () => {
  it('--key value, --key=value, repeatable options in order, positionals around them and after --', () => {
    const args = parseCommandArgs(CHECK, ['a.yaml', '--target', 'kql', '--target=aql', '--tables=t1', 'b.yaml', '--tables', 't2', '--no-kusto', '--qradar-mappings', 'm', '--allow-approximation=drop-list-aggregates', '--', '--c.yaml']);
    expect(args.positionals).toEqual(['a.yaml', 'b.yaml', '--c.yaml']);
    expect(args.lists.get('target')).toEqual(['kql', 'aql']);
    expect(args.lists.get('tables')).toEqual(['t1', 't2']);
    expect(args.lists.get('qradar-mappings')).toEqual(['m']);
    expect(args.lists.get('allow-approximation')).toEqual(['drop-list-aggregates']);
    expect(args.options.get('no-kusto')).toBe(true);
  });

  it('`-` (standard input) is a value, and a value may start with one dash', () => {
    const args = parseCommandArgs(RUN, ['r.yaml', '--events', '-', '--externaldata', 'https://x/y=a.csv', '--externaldata=https://z=b.csv']);
    expect(args.options.get('events')).toBe('-');
    expect(args.lists.get('externaldata')).toEqual(['https://x/y=a.csv', 'https://z=b.csv']);
    expect(parseCommandArgs(RUN, ['r.yaml', '--max-rows', '-1']).options.get('max-rows')).toBe('-1');
  });
});
