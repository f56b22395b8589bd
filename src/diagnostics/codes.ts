/**
 * Every diagnostic detc can report, declared once: a stable code, a severity and a message
 * template. Codes are grouped by phase so a code tells where a problem was found:
 *   DTC1xxx rule file (YAML, schema, metadata)   DTC2xxx query syntax
 *   DTC3xxx binding (names, types)               DTC4xxx KQL backend / Kusto.Language
 *   DTC5xxx AQL backend                          DTC6xxx evaluator and rule tests
 *   DTC7xxx workspace (detc.config.yaml, table files)
 */
export type Severity = 'error' | 'warning';

interface DiagnosticFact {
  readonly code: string;
  readonly severity: Severity;
  /** Template with {0}, {1}, ... placeholders. */
  readonly template: string;
}

function fact(code: string, severity: Severity, template: string): DiagnosticFact {
  return { code, severity, template };
}

export const Facts = {
  // Rule file
  FileUnreadable: fact('DTC1000', 'error', 'cannot read rule file: {0}'),
  YamlSyntax: fact('DTC1001', 'error', 'YAML syntax error: {0}'),
  SchemaViolation: fact('DTC1002', 'error', '{0}'),
  UnknownKey: fact('DTC1003', 'warning', "unknown key '{0}'{1}"),
  BadDuration: fact('DTC1004', 'error', "{0} '{1}' is not a duration: use 5m, 1h, 1d or hh:mm:ss"),
  DurationRange: fact('DTC1005', 'error', '{0} must be between 5 minutes and 14 days, got {1}'),
  PeriodBeforeFrequency: fact('DTC1006', 'error', 'queryPeriod ({0}) must be at least queryFrequency ({1})'),
  LongPeriodShortFrequency: fact('DTC1007', 'error', 'with a queryPeriod of 2 days or more, queryFrequency must be at least 1 hour (got {0})'),
  BadIdentifier: fact('DTC1008', 'error', "'{0}' is not an identifier of entity type {1}{2}"),
  MissingStrongIdentifier: fact('DTC1009', 'warning', 'entity {0} has none of its identifying fields ({1}); Sentinel may not create the entity'),
  MappedColumnMissing: fact('DTC1010', 'error', "column '{0}' mapped by {1} is not an output column of the query{2}"),
  MappedColumnUnpacked: fact('DTC1019', 'warning', "column '{0}' mapped by {1} is not a column the query names; after evaluate bag_unpack the rows also have the columns the data gives, so it may exist, but detc cannot check it (its JS evaluator outputs it when the data has it): name it after bag_unpack (e.g. | project-reorder {0}) or declare bag_unpack's output schema"),
  TooManyPlaceholders: fact('DTC1011', 'error', '{0} has {1} {{column}} placeholders; Sentinel allows at most 3'),
  TechniqueFormat: fact('DTC1012', 'error', "'{0}' is not an ATT&CK technique id (T1234 or T1234.001)"),
  NoQuery: fact('DTC1013', 'error', 'rule has no query'),
  DuplicateRuleId: fact('DTC1014', 'error', '{0} is also used by {1}'),
  EmptyKey: fact('DTC1017', 'warning', "'{0}' is empty; read as if it were absent (Sentinel accepts an empty optional key; delete the line or give it a value)"),
  LowerCaseKey: fact('DTC1018', 'warning', "'{0}' is read as '{1}' (Sentinel's repository accepts both spellings; '{1}' is the documented one)"),
  FileTooLarge: fact('DTC1016', 'error', 'rule file is {0} bytes; a rule file may be at most {1} bytes (a Sentinel query is at most 10,000 characters)'),

  // Query syntax
  Lex: fact('DTC2001', 'error', "unexpected character '{0}'"),
  Syntax: fact('DTC2002', 'error', '{0}'),
  UnsupportedOperator: fact('DTC2003', 'error', "unsupported operator '{0}'{1}"),
  BadLiteral: fact('DTC2004', 'error', '{0}'),
  TooDeep: fact('DTC2005', 'error', '{0}'),

  // Binding
  UnknownTable: fact('DTC3001', 'error', "unknown table '{0}'{1}; {2}"),
  UnknownColumn: fact('DTC3002', 'error', "unknown column '{0}'{1}"),
  UnknownFunction: fact('DTC3003', 'error', "unknown function '{0}'{1}"),
  WrongArgCount: fact('DTC3004', 'error', "{0} expects {1} argument(s), got {2}"),
  TypeMismatch: fact('DTC3005', 'error', '{0}'),
  MemberOfNonDynamic: fact('DTC3006', 'error', "'{0}' is of type {1}, so '{2}' is not a known column or member{3}"),
  NotAnAggregate: fact('DTC3007', 'error', "'{0}' is not an aggregation function; summarize needs aggregations such as count(), dcount(x), make_set(x)"),
  AggregateOutsideSummarize: fact('DTC3008', 'error', "aggregation '{0}' can only be used in summarize"),
  UnknownName: fact('DTC3009', 'error', "unknown name '{0}'{1}"),
  DuplicateLet: fact('DTC3010', 'warning', "let '{0}' is declared again; the later one wins"),
  NotTabular: fact('DTC3011', 'error', '{0}'),
  BadRegex: fact('DTC3012', 'error', 'invalid regular expression {0}: {1}'),
  ConstantRequired: fact('DTC3013', 'error', '{0} must be a constant'),
  FunctionInvalid: fact('DTC3014', 'error', '{0}'),
  FunctionSignatureUsed: fact('DTC3015', 'warning', '{0}'),
  UnionLegLeftOut: fact('DTC3017', 'warning', '{0}'),
  EvaluatorApproximation: fact('DTC3018', 'warning', '{0}'),
  DataDependentColumns: fact('DTC3019', 'warning', "evaluate {0} has no output schema, so only the data can supply the columns {1}: a name no row makes fails the query in Kusto (and the run in detc); declare the output schema ({2}) to have them checked, or read a column that may be absent with column_ifexists"),
  OpenRowsNeedSchema: fact('DTC3020', 'error', "{0} after evaluate {1} without an output schema: {1}'s columns come from the data, and {0} needs every column before the data is read; declare them: {2}"),
  UnknownWatchlist: fact('DTC3016', 'warning', "watchlist '{0}' is not given{1}: read as an empty watchlist, as Sentinel's _GetWatchlist returns for an alias the workspace lacks; {2}"),

  // KQL backend
  KustoDiagnostic: fact('DTC4001', 'error', 'Kusto.Language {0}: {1}'),
  AdxOnlyOperator: fact('DTC4002', 'warning', "{0} is documented for Azure Data Explorer only (its page's 'Applies to' names neither Azure Monitor nor Microsoft Sentinel): a Sentinel workspace may reject the rule; ipv4_is_in_any_range() or a join on a lookup table are documented there"),

  // AQL backend
  AqlUnsupported: fact('DTC5001', 'error', '{0}'),
  AqlApproximation: fact('DTC5002', 'warning', '{0}'),
  AqlSkipped: fact('DTC5003', 'warning', 'not compiled to QRadar AQL: {0}'),
  AqlSyntax: fact('DTC5004', 'error', 'internal: emitted AQL does not parse ({0}); please report this'),
  BadTargetOption: fact('DTC1015', 'error', '{0}'),

  // Evaluator / tests
  TestFailed: fact('DTC6001', 'error', '{0}'),
  BadEvents: fact('DTC6002', 'error', '{0}'),

  // Workspace: the config file and the user's table files
  ConfigInvalid: fact('DTC7001', 'error', '{0}'),
  TableFileInvalid: fact('DTC7002', 'error', '{0}'),
  TableWarning: fact('DTC7003', 'warning', '{0}'),
  FunctionFileInvalid: fact('DTC7004', 'error', '{0}'),
  WatchlistFileInvalid: fact('DTC7005', 'error', '{0}'),
} as const;

export type FactName = keyof typeof Facts;

export function formatTemplate(template: string, args: readonly (string | number)[]): string {
  return template.replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i)] ?? ''));
}
