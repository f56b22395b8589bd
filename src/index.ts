/** detc's library API. The CLI (src/cli) is a thin layer over these functions. */
export { checkRuleFile, checkRuleText, findRuleFiles, type FrontEndResult, type FrontEndOptions } from './compile.js';
export { parseQuery } from './query/parser.js';
export { bindQuery } from './ir/binder.js';
export { loadTables, TableCatalog, type TableSchema } from './ir/tables.js';
export type * from './ir/types.js';
export type { Rule } from './rule/types.js';
export type { Diagnostic, Position } from './diagnostics/diagnostic.js';
export { formatDiagnostic, diagnosticToJson } from './diagnostics/format.js';
export { allEntries as catalog } from './catalog/catalog.js';
