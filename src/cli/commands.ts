/** The options of each command: what its arguments are checked against and what its --help prints. */
import { APPROXIMATIONS } from '../backends/aql/translate.js';
import { TARGETS } from '../build/build.js';
import type { CommandSpec, OptionSpec } from './args.js';

/** Options every command takes: the workspace its rules are checked in, and --help. */
const WORKSPACE_OPTIONS: readonly OptionSpec[] = [
  { name: 'tables', value: 'FILE|DIR', repeatable: true, help: "your own tables: detc's table JSON, Sentinel CustomTables JSON or `T | getschema` output (CSV/JSON)" },
  { name: 'functions', value: 'FILE|DIR', repeatable: true, help: 'workspace functions (parsers): KQL body files, ASIM parser YAML, Sentinel function YAML or signature JSON' },
  { name: 'watchlists', value: 'DIR', repeatable: true, help: "<alias>.csv files (with a header row) that _GetWatchlist('alias') reads" },
  { name: 'no-config', help: 'ignore detc.config.yaml' },
  { name: 'help', short: 'h', help: 'print this help' },
];

const COMPILE_OPTIONS: readonly OptionSpec[] = [
  { name: 'target', value: 'T', repeatable: true, help: `${TARGETS.join(', ')} or all; a comma-separated list also works (default: detc.config.yaml's targets:, else all; a rule whose table has no QRadar mapping is then a warning, an error only with --target aql)` },
  { name: 'no-kusto', help: "skip the check by Microsoft's Kusto language service" },
  { name: 'cache', value: 'DIR', help: "where Kusto's verdicts are cached (default: $XDG_CACHE_HOME/detc, else ~/.cache/detc; ~/Library/Caches/detc on macOS, %LOCALAPPDATA%\\detc\\Cache on Windows)" },
  { name: 'no-cache', help: 'keep no Kusto verdict (as DETC_NO_CACHE=1): check then writes nothing at all, build only --out' },
  { name: 'allow-approximation', value: 'NAME', repeatable: true, help: `QRadar: allow an approximation (${Object.keys(APPROXIMATIONS).join(', ')}), written into the query's comment` },
  { name: 'qradar-mappings', value: 'FILE|DIR', repeatable: true, help: 'QRadar: your own mapping files; each overrides the bundled mapping of its table' },
];

/** check's and test's reports: stdout holds the report alone; diagnostics (as text) and progress go to stderr. */
export const REPORT_FORMATS = ['text', 'json', 'sarif', 'junit'] as const;
const REPORT_FORMAT: OptionSpec = {
  name: 'format',
  value: REPORT_FORMATS.join('|'),
  help: 'the report on stdout (sarif: SARIF 2.1.0 for code scanning; junit: JUnit XML for CI test reports); diagnostics go to stderr',
};

const EXTERNAL_DATA: OptionSpec = { name: 'externaldata', value: 'URL=FILE', repeatable: true, help: 'the local copy of a URL that externaldata reads (detc never downloads)' };

export const CHECK: CommandSpec = {
  name: 'check',
  synopsis: '[paths...] [options]',
  summary: "Validate, parse and bind rules (default: rules/) and compile them for the targets, writing nothing in the project\n(only Kusto's verdict cache, in the user's cache folder: see --cache).",
  options: [REPORT_FORMAT, ...COMPILE_OPTIONS, ...WORKSPACE_OPTIONS],
};

export const BUILD: CommandSpec = {
  name: 'build',
  synopsis: '[paths...] [options]',
  summary:
    'Compile rules (default: rules/) into the output folder; all or nothing. The folder is replaced as a whole,\nso it must be missing, empty or an earlier build\'s output (it has a .detc-output file).',
  options: [{ name: 'out', value: 'DIR', help: 'the output folder (default: dist)' }, { name: 'format', value: 'text|json', help: 'the report on stdout; diagnostics go to stderr' }, ...COMPILE_OPTIONS, ...WORKSPACE_OPTIONS],
};

export const TEST: CommandSpec = {
  name: 'test',
  synopsis: '[paths...] [options]',
  summary: "Run the sample-event tests in the rules' tests: sections (default: rules/).",
  options: [REPORT_FORMAT, EXTERNAL_DATA, ...WORKSPACE_OPTIONS],
};

export const RUN: CommandSpec = {
  name: 'run',
  synopsis: '<rule> --events <file|-> [options]',
  summary:
    'Evaluate a rule on events (NDJSON, a JSON array, or JSON documents such as {"records": [...]}) and print its\nalerts; every dropped event is counted with its reason on stderr.',
  options: [
    { name: 'events', value: 'FILE|-', help: 'the events file, or - for standard input (required)' },
    { name: 'now', value: 'DATE', help: "the clock: ISO 8601, UTC without a zone; applies the rule's schedule window" },
    { name: 'no-window', help: 'with --now: read every event, not only those in the window' },
    { name: 'format', value: 'table|ndjson|json', help: 'how alerts are printed (default: table on a terminal, else ndjson)' },
    { name: 'strict', help: 'stop at the first bad line or unusable event' },
    { name: 'parse-all', help: "parse every line, also those that cannot pass the rule's first filters" },
    { name: 'workers', value: 'N', help: 'reader threads, 0 to 64 (default: by file size and cores)' },
    { name: 'max-groups', value: 'N', help: 'the most groups a summarize may make' },
    { name: 'max-rows', value: 'N', help: 'the most rows an operator may hold' },
    EXTERNAL_DATA,
    ...WORKSPACE_OPTIONS,
  ],
};

export const COMMANDS: readonly CommandSpec[] = [CHECK, BUILD, TEST, RUN];

/** `detc --help`: the commands from their specs; each command's --help lists its options. */
export function usage(): string {
  const commands = COMMANDS.map((c) => `  detc ${c.name} ${c.synopsis}\n      ${c.summary.replace(/\n/g, '\n      ')}`);
  return `detc: compile Sentinel-style detection rules to KQL, QRadar AQL and JavaScript

usage:
${commands.join('\n')}
  detc --version
  detc <command> --help       the command's options

Paths default to rules/. detc.config.yaml (or .yml), found from the current folder upwards to the
repository's root, declares tables:, functions:, watchlists:, qradarMappings: and targets: once for
a rules repository; --no-config ignores it. Results go to stdout; diagnostics, and progress when
stderr is a terminal, to stderr.

Exit codes: 0 ok, 1 errors in rules, 2 usage error (or an error in detc.config.yaml or a table file).`;
}
