/** The options of each command: what its arguments are checked against and what its --help prints. */
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
  { name: 'target', value: 'T', repeatable: true, help: `${TARGETS.join(', ')} or all; a comma-separated list also works (default: detc.config.yaml's targets:, else all)` },
  { name: 'no-kusto', help: "skip the check by Microsoft's Kusto language service" },
  { name: 'allow-approximation', value: 'NAME', repeatable: true, help: 'QRadar: allow an approximation (drop-list-aggregates, drop-unmapped-columns)' },
  { name: 'qradar-mappings', value: 'FILE|DIR', repeatable: true, help: 'QRadar: your own mapping files; each overrides the bundled mapping of its table' },
];

const EXTERNAL_DATA: OptionSpec = { name: 'externaldata', value: 'URL=FILE', repeatable: true, help: 'the local copy of a URL that externaldata reads (detc never downloads)' };

export const CHECK: CommandSpec = {
  name: 'check',
  synopsis: '[paths...] [options]',
  summary: 'Validate, parse and bind rules (default: rules/) and compile them for the targets, writing nothing.',
  options: [{ name: 'format', value: 'text|json|sarif', help: 'how diagnostics are printed (sarif: SARIF 2.1.0 for code scanning)' }, ...COMPILE_OPTIONS, ...WORKSPACE_OPTIONS],
};

export const BUILD: CommandSpec = {
  name: 'build',
  synopsis: '[paths...] [options]',
  summary:
    'Compile rules (default: rules/) into the output folder; all or nothing. The folder is replaced as a whole,\nso it must be missing, empty or an earlier build\'s output (it has a .detc-output file).',
  options: [{ name: 'out', value: 'DIR', help: 'the output folder (default: dist)' }, { name: 'format', value: 'text|json', help: 'how diagnostics are printed' }, ...COMPILE_OPTIONS, ...WORKSPACE_OPTIONS],
};

export const TEST: CommandSpec = {
  name: 'test',
  synopsis: '[paths...] [options]',
  summary: "Run the sample-event tests in the rules' tests: sections (default: rules/).",
  options: [{ name: 'format', value: 'text|json|junit', help: 'how results are printed (junit: JUnit XML for CI test reports)' }, EXTERNAL_DATA, ...WORKSPACE_OPTIONS],
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
