/**
 * IR -> one AQL SELECT. AQL has a single query block, so the pipeline must have the shape
 *   [where | extend]*  [summarize  [where | extend]*]  [project...]  [sort | top]  [take]
 * Filters before summarize become WHERE, after it HAVING; extends are substituted where used.
 * Anything AQL cannot say exactly is an error at its location, unless the rule (or the build)
 * allows a named approximation, which is then written into the query as a comment.
 */
import { isWholeMillisecond, millisecondsOf } from '../../semantics/ticks.js';
import type { Span } from '../../query/ast.js';
import type { Aggregate, QueryIR, ScalarExpr, ScalarType, Schema, TabularOp } from '../../ir/types.js';
import { functionReadBy } from '../../ir/functions.js';
import { kqlEquals } from '../../semantics/compare.js';
import { toKqlString } from '../../semantics/values.js';
import { terminalSafe } from '../../diagnostics/terminal.js';
import { ALWAYS, END, aqlAlias, aqlString, AqlUnwritable, likeSafe, NEVER, regexEscape } from './escape.js';
import { rewritePattern, type ColumnMapping, type RewritePattern, type TableMapping } from './mapping.js';
import { jsonKeyProblem, jsonNumericNote, jsonPathSteps, jsonPropertyName, jsonPropertyNote, jsonShapeKey, type JsonPath } from './json-property.js';
import { SPLIT_NOTE, splitPart } from './split.js';
import { aqlFunction, missingOrNot, type AqlArgs } from './functions.js';
import { aqlOperator } from './operators.js';
import { isPlainNot, negated } from './negation.js';
import { unmappedReason } from './not-events.js';
import { overlappingLegs, throughLets, UNION_DIFFERS, unionLegs } from './union.js';

/** Approximations a rule may allow (rule `targets.qradar.approximations`, or `--allow-approximation`). */
export const APPROXIMATIONS = {
  'drop-list-aggregates': 'make_set/make_list columns are left out: the AQL reference has no list aggregate',
  'drop-unmapped-columns': 'output columns with no QRadar property are left out of SELECT',
  'reference-set': 'x in (a let) tests the QRadar reference set named after the let (REFERENCESETCONTAINS): the set must hold the let\'s values, kept up to date in QRadar',
  'first-array-element':
    'mv-expand/mv-apply over a JSON array of the event read its first element only: AQL returns one row per event, so an event whose wanted element is not the first is missed',
} as const;
export type Approximation = keyof typeof APPROXIMATIONS;

export interface AqlProblem {
  readonly message: string;
  readonly span?: Span;
}

export interface ApproximationUse {
  readonly name: Approximation;
  /** The output column left out. */
  readonly column: string;
  readonly span?: Span;
}

export interface AqlTranslation {
  readonly aql?: string;
  readonly errors: AqlProblem[];
  /** Approximations used (allowed ones), each with what it changed. */
  readonly approximations: ApproximationUse[];
  /** Facts a reader of the AQL must know (mapping rewrites, unconfirmed constructs). */
  readonly notes: string[];
}

/**
 * Thrown to abandon a translation and caught in translateToAql. Not an Error: it never escapes,
 * and capturing a stack trace for each rule that QRadar cannot take was measurable in a build.
 */
class Unsupported {
  constructor(
    readonly message: string,
    readonly span?: Span,
  ) {}
}

/** A translated expression: AQL text, and what it is. */
interface Out {
  readonly text: string;
  /** A condition (boolean) rather than a value: AQL keeps them apart. */
  readonly cond: boolean;
  /** Precedence: 1 OR, 2 AND, 3 NOT/comparison, 4 value. */
  readonly prec: number;
  readonly type: ScalarType;
  readonly column?: ColumnMapping;
  /** For an aggregate alias: the aggregate expression, to inline where the alias is not selected. */
  readonly aggregate?: string;
  readonly isTime?: boolean;
  /** A place in a JSON payload (a mapped JSON column, or a path below one): read through a custom property. */
  readonly json?: JsonPath;
  /** The text of a JSON value below a column's root (tostring of it): parse_json of it reads the value again only where the mapping says real events hold an object there. */
  readonly jsonText?: JsonPath;
  /** `IF c THEN a ELSE b`: its ELSE value would take in an operator written after it. */
  readonly open?: boolean;
}

const val = (text: string, type: ScalarType, extra: Partial<Out> = {}): Out => ({ text, cond: false, prec: 4, type, ...extra });
const cond = (text: string, prec: number): Out => ({ text, cond: true, prec, type: 'bool' });
const paren = (o: Out, min: number) => (o.prec < min ? `(${o.text})` : o.text);

interface SelectItem {
  readonly alias: string;
  readonly text: string;
  /** The operator that named the column (where a name AQL cannot write is reported). */
  readonly span?: Span;
}

type ColumnOut = Out | { missing: string };

/** What each column of a table's schema is in AQL under a mapping, made once per mapping and schema (every rule over the table shares both). */
const sourceColumnsCache = new WeakMap<TableMapping, WeakMap<Schema, ReadonlyMap<string, ColumnOut>>>();
function sourceColumns(m: TableMapping, schema: Schema): ReadonlyMap<string, ColumnOut> {
  let bySchema = sourceColumnsCache.get(m);
  if (!bySchema) sourceColumnsCache.set(m, (bySchema = new WeakMap()));
  let columns = bySchema.get(schema);
  if (columns) return columns;
  const made = new Map<string, ColumnOut>();
  for (const c of schema) {
    const cm = columnMapping(m, c.name);
    if (!cm) made.set(c.name, { missing: `column ${c.name} is not in the QRadar mapping ${m.file}` });
    else if (cm.none !== undefined) made.set(c.name, { missing: `column ${c.name} has no QRadar equivalent (${m.file}: ${cm.none})` });
    else if (cm.json !== undefined) made.set(c.name, jsonValue({ root: cm.json, steps: [] }, c.type));
    else made.set(c.name, val(cm.aql!, c.type, { column: cm, isTime: cm.kind === 'time' }));
  }
  bySchema.set(schema, (columns = made));
  return columns;
}

/**
 * The query's AQL. A tabular let the query reads as its source is its pipeline (a let is a name);
 * a union of tables is one query over their log sources when every leg's pipeline, with what
 * follows the union, is written the same way (see union.ts). `mapping` is the mapping of the
 * table the query reads, `mappingOf` finds the others (through lets and unions).
 */
export function translateToAql(
  ir: QueryIR,
  mapping: TableMapping | undefined,
  allowed: ReadonlySet<string>,
  queryPeriodMs: number | undefined,
  mappingOf: (table: string) => TableMapping | undefined = () => undefined,
): AqlTranslation {
  const body = throughLets(ir.body, ir.lets);
  if (body.source.kind !== 'union') {
    const table = body.source.kind === 'table' ? body.source.table : undefined;
    const m = body === ir.body ? mapping : table !== undefined ? mappingOf(table) : undefined;
    return assemble([translateOne({ ...ir, body }, m ?? mapping, allowed, queryPeriodMs)]);
  }
  const legs = unionLegs(body, body.source, ir.lets);
  if ('error' in legs) return { errors: [legs.error], approximations: [], notes: [] };
  const unmapped = legs.find((leg) => leg.source.kind === 'table' && !mappingOf(leg.source.table));
  if (unmapped?.source.kind === 'table') return { errors: [{ message: `union has no AQL equivalent here: ${unmappedReason(unmapped.source.table)}`, span: unmapped.source.span }], approximations: [], notes: [] };
  const merged = assemble(legs.map((leg) => translateOne({ ...ir, body: leg }, leg.source.kind === 'table' ? mappingOf(leg.source.table) : undefined, allowed, queryPeriodMs)), body.source.span);
  // Legs that translate alike but select the same events: the one query would return each once.
  const overlap = merged.aql === undefined ? undefined : overlappingLegs(legs, mappingOf);
  return overlap ? { errors: [overlap], approximations: [], notes: [] } : merged;
}

/** One pipeline's AQL: the text after `SELECT` with SOURCE_CONDITIONS where its log source conditions go. */
interface OneTranslation {
  readonly body?: string;
  readonly source?: readonly string[];
  readonly errors: AqlProblem[];
  readonly approximations: ApproximationUse[];
  readonly notes: string[];
}

const SOURCE_CONDITIONS = '\u0000source\u0000';

/** The query from its pipelines' translations (one, or a union's legs, which must agree). */
function assemble(parts: readonly OneTranslation[], unionSpan?: Span): AqlTranslation {
  const failed = parts.find((p) => p.body === undefined);
  if (failed) return { errors: failed.errors, approximations: failed.approximations, notes: failed.notes };
  const approximations = parts.flatMap((p) => p.approximations).filter((a, i, all) => all.findIndex((b) => b.name === a.name && b.column === a.column) === i);
  const notes = [...new Set(parts.flatMap((p) => p.notes))];
  if (parts.some((p) => p.body !== parts[0]!.body)) {
    return { errors: [{ message: UNION_DIFFERS, span: unionSpan }], approximations, notes };
  }
  const sources = parts.map((p) => p.source!.join(' AND '));
  const source = parts.length === 1 ? parts[0]!.source!.join('\n    AND ') : `(${sources.map((s) => `(${s})`).join('\n    OR ')})`;
  if (parts.length > 1) notes.push(`one query over the union's ${parts.length} log sources: each leg's pipeline is written the same way`);
  // The comment holds rule text (column names): controls are shown as escapes (terminalSafe's
  // spelling), and `*/` cannot end the comment early.
  const comment = [...describeApproximations(approximations).map((a) => `approximation ${a}`), ...notes.map((n) => `note: ${n}`)].map((l) => terminalSafe(l).replace(/\*\//g, '* /'));
  const head = comment.length ? `SELECT /* detc:\n${comment.map((l) => `   ${l}`).join('\n')}\n*/` : 'SELECT';
  return { aql: `${head}\n${parts[0]!.body!.replace(SOURCE_CONDITIONS, source)}`, errors: [], approximations, notes };
}

function translateOne(ir: QueryIR, mapping: TableMapping | undefined, allowed: ReadonlySet<string>, queryPeriodMs: number | undefined): OneTranslation {
  const errors: AqlProblem[] = [];
  const approximations: ApproximationUse[] = [];
  const notes: string[] = [];
  const fail = (message: string, span?: Span): never => {
    throw new Unsupported(message, span);
  };
  let opSpan: Span | undefined;
  try {
    const fn = functionReadBy(ir);
    if (fn) fail(`workspace function ${fn.name} cannot be inlined into AQL (its body is not one pipeline over a table, or it is only declared); give the rule a QRadar query of its own or skip it for QRadar`, fn.span);
    const source = ir.body.source;
    if (source.kind !== 'table' && source.kind !== 'letTable') fail(`${source.kind} has no AQL equivalent: an AQL rule is one SELECT over one log source; write one rule per table`, source.span);
    if (source.kind !== 'table') fail('the query must read a table directly', source.span);
    const table = (source as { table: string }).table;
    if (!mapping) fail(unmappedReason(table), source.span);
    const m = mapping!;

    // AQL counts times in whole milliseconds; a literal with digits below the millisecond (KQL keeps
    // 100 ns ticks) would select other events at its edge, so it is refused rather than rounded.
    const aqlTime = (value: unknown, type: string, span?: Span): unknown => {
      if (typeof value === 'number' && (type === 'datetime' || type === 'timespan') && !isWholeMillisecond(value, type)) {
        fail(`a ${type} with digits below the millisecond has no AQL equivalent: QRadar holds times in whole milliseconds`, span);
      }
      return millisecondsOf(value, type);
    };
    const constants = new Map<string, unknown>();
    const scalarLets = new Map<string, ScalarExpr>();
    for (const l of ir.lets) {
      if (l.kind !== 'scalar') continue;
      if (l.value.kind === 'literal') constants.set(l.name, aqlTime(l.value.value, l.value.type, l.value.span));
      // pack_array of constants is a constant list (`x has_any (L)`, `x in (L)`).
      else if (l.value.kind === 'call' && l.value.fn === 'pack_array' && l.value.args.every((x) => x.kind === 'literal')) constants.set(l.name, l.value.args.map((x) => aqlTime((x as { value: unknown }).value, x.type, x.span)));
      else scalarLets.set(l.name, l.value);
    }
    const constantOf = (e: ScalarExpr): unknown => {
      if (e.kind === 'literal') return aqlTime(e.value, e.type, e.span);
      if (e.kind === 'letRef' && constants.has(e.name)) return constants.get(e.name);
      return undefined;
    };

    // Columns of the source table (a copy: the operators below change it).
    let env = new Map(sourceColumns(m, source.schema));
    const rewrites = rewritesOf(m);

    /** The mapping rewrite for `column == value` (`=~` when ci), noted for the reader of the AQL. */
    const rewriteOf = (subject: ScalarExpr, value: unknown, ci: boolean) => {
      if (subject.kind !== 'column' || value === undefined) return undefined;
      const same = (p: unknown) => (ci && typeof p === 'string' && typeof value === 'string' ? p.toLowerCase() === value.toLowerCase() : kqlEquals(value, p) === true && kqlEquals(p, value) === true);
      const rw = rewrites.find((r) => r.pattern.column === subject.name && same(r.pattern.value));
      if (rw) notes.push(`${rw.kql} is written as ${rw.aql} (mapping rewrite${rw.note ? `: ${rw.note}` : ''})`);
      return rw;
    };

    const where: string[] = [];
    const having: string[] = [];
    let groupBy: string[] = [];
    let select: SelectItem[] | undefined;
    let aggregated = false;
    const orderBy: string[] = [];
    let limit: number | undefined;
    let windowMs = queryPeriodMs;
    const dropped = new Set<string>();
    // sort/top/take seen so far (through lets: their operators come first): AQL's ORDER BY and LIMIT
    // come last in the query, so an operator that changes rows after them has no place.
    const ordered: string[] = [];

    // After summarize, columns are SELECT aliases. Inside SELECT expressions the aggregate is
    // written out (alias reuse within SELECT is not in IBM's reference); HAVING and ORDER BY use
    // the alias (documented), and every alias they use is kept in SELECT.
    let inlineAggregates = false;
    const usedAliases = new Set<string>();
    const definitions = new Map<string, string>();
    const lookup = (name: string, span: Span): Out => {
      const e = env.get(name);
      if (!e) return fail(`column ${name} is not available here`, span);
      if ('missing' in e) return fail(e.missing, span);
      if (e.json) jsonUses.set(e.text, e.json);
      if (e.aggregate !== undefined) {
        if (inlineAggregates) return { ...e, text: e.aggregate, prec: 0 };
        usedAliases.add(name);
      }
      return e;
    };
    // JSON places the query reads (custom properties), noted if their property is in the final text.
    const jsonUses = new Map<string, JsonPath>();
    const json = (p: JsonPath, type: ScalarType, span?: Span): Out => {
      for (const step of p.steps) {
        const problem = typeof step === 'string' ? jsonKeyProblem(step) : undefined;
        if (problem) fail(problem, span);
      }
      const o = jsonValue(p, type);
      jsonUses.set(o.text, p);
      return o;
    };
    const inSelect = <T>(f: () => T): T => {
      inlineAggregates = true;
      try {
        return f();
      } finally {
        inlineAggregates = false;
      }
    };

    // Text AQL cannot write (aqlString/aqlAlias throw) is reported at the innermost expression, else
    // at the operator being translated (opSpan), else at the query.
    const expr = (e: ScalarExpr): Out => {
      try {
        return exprText(e);
      } catch (x) {
        if (x instanceof AqlUnwritable) return fail(x.message, e.span);
        throw x;
      }
    };
    const exprText = (e: ScalarExpr): Out => {
      switch (e.kind) {
        case 'literal':
          return literal(aqlTime(e.value, e.type, e.span), e.type, e.span);
        case 'column':
          if (dropped.has(e.name)) fail(`column ${e.name} was left out by an approximation and cannot be used`, e.span);
          return lookup(e.name, e.span);
        case 'letRef':
          if (constants.has(e.name)) return literal(constants.get(e.name), e.type, e.span);
          return expr(scalarLets.get(e.name)!);
        case 'member': {
          // A mapping may name a path inside a dynamic column: `InitiatedBy.user.userPrincipalName`.
          const path = memberPath(e);
          const cm = path !== undefined && !aggregated ? columnMapping(m, path) : undefined;
          if (cm?.aql) return val(cm.aql, 'string', { column: cm, isTime: cm.kind === 'time' });
          if (cm?.none) return fail(`${path} has no QRadar equivalent (${m.file}: ${cm.none})`, e.span);
          const key = typeof e.key === 'object' ? constantOf(e.key) : e.key;
          if (e.target.kind === 'call' && e.target.fn === 'split' && typeof key === 'number') return splitOf(e.target, key, false, e.span);
          if (!columnMapping(m, memberRoot(e))?.aql) {
            const target = expr(e.target); // a column without a property is the clearer message
            if (target.json && (typeof key === 'string' || (typeof key === 'number' && Number.isInteger(key) && key >= 0))) {
              return json({ root: target.json.root, steps: [...target.json.steps, key] }, 'dynamic', e.span);
            }
            if (target.json) return fail(`member access with the key ${JSON.stringify(key ?? null)} has no QRadar JSON keypath (keys and indexes from 0 only)`, e.span);
          }
          return fail(`member access ${path ?? ''} has no AQL equivalent${path ? ` (no mapping for ${path} in ${m.file})` : ''}`, e.span);
        }
        case 'subquery':
          return fail(SUBQUERY_LIST, e.span);
        case 'call':
          return call(e);
      }
    };

    const literal = (v: unknown, type: ScalarType, span: Span): Out => {
      if (v === null || v === undefined) return val('NULL', type);
      if (typeof v === 'string') return val(aqlString(v), 'string');
      if (typeof v === 'number') {
        if (type === 'timespan') return val(String(v), 'timespan');
        if (!Number.isFinite(v)) return fail('a non-finite number has no AQL literal', span);
        return val(type === 'real' || type === 'decimal' ? realLiteral(v, span) : String(v), type);
      }
      if (typeof v === 'boolean') return val(aqlString(String(v)), 'string');
      return fail('dynamic values have no AQL equivalent', span);
    };

    /** Text of a value operand, as text for string operators (STR() for IP columns). */
    const textOf = (o: Out): string => (o.column?.kind === 'ip' ? `STR(${o.text})` : o.text);
    const valueOnly = (o: Out, span: Span): Out => (o.cond ? fail('a condition cannot be used as a value in AQL', span) : o);
    /** A value inside an operator: an IF ... ELSE value in parentheses, or its ELSE would take the operator in. */
    const operand = (o: Out, span: Span): Out => (valueOnly(o, span).open ? { ...o, text: `(${o.text})`, open: false } : o);
    const stringConst = (e: ScalarExpr, what: string): string => {
      const v = constantOf(e);
      if (typeof v !== 'string') return fail(`${what} must be a constant string for AQL`, e.span);
      return v;
    };
    const listConsts = (items: readonly ScalarExpr[], span: Span): unknown[] => {
      const out: unknown[] = [];
      const walk = (v: unknown) => (Array.isArray(v) ? v.forEach(walk) : out.push(v));
      for (const i of items) {
        if (i.kind === 'subquery') fail(SUBQUERY_LIST, i.span);
        const v = constantOf(i);
        if (v === undefined) fail('list items must be constants for AQL', span);
        walk(v);
      }
      return out;
    };
    /** A value used as a number: a JSON one is a custom property that must be numeric (noted). */
    const numeric = (o: Out): Out => {
      if (o.json) notes.push(jsonNumericNote(o.json));
      return o;
    };
    /** A string, or a JSON value read as text, whose missing value (AQL's NULL) KQL reads as ''. */
    const isTextual = (o: Out) => o.type === 'string' || o.type === 'dynamic';
    /** A value as text with a missing one (AQL's NULL) as '': KQL's value for a missing string. */
    const orEmpty = (o: Out): string => `(IF ${o.text} IS NULL THEN '' ELSE ${textOf(o)})`;
    /** A constant number >= 0, or a length or count (never negative). */
    const nonNegative = (e: ScalarExpr): boolean => {
      const v = constantOf(e);
      if (v !== undefined) return typeof v === 'number' && v >= 0;
      return e.kind === 'call' && (e.fn === 'strlen' || e.fn === 'count' || e.fn === 'dcount' || e.fn === 'countif');
    };
    /** KQL keeps a row whose string is missing ('') for negated operators; AQL's NULL would drop it. */
    const negate = (subject: string, positive: string) => cond(missingOrNot(subject, positive), 4);

    /** `split(s, d)[index]`, `split(s, d, i)[0]`. */
    const splitOf = (call: Extract<ScalarExpr, { kind: 'call' }>, index: number, emptyIfMissing: boolean, span: Span): Out => {
      const [subject, delimiter, nth] = call.args;
      let part = index;
      if (nth) {
        const i = constantOf(nth);
        if (typeof i !== 'number' || index !== 0) return fail('split(s, d, i)[k] needs a constant i and k = 0 for AQL', span);
        part = i;
      }
      const s = textOf(operand(expr(subject!), span));
      const r = splitPart(s, stringConst(delimiter!, 'the delimiter of split()'), part, emptyIfMissing);
      if ('error' in r) return fail(r.error, span);
      notes.push(SPLIT_NOTE);
      return val(part > 0 ? `(${r.text})` : r.text, 'string');
    };

    /**
     * `x in (LetName)` as REFERENCESETCONTAINS('LetName', x), when the rule allows 'reference-set':
     * the QRadar reference set of that name must hold the let's values (QRadar keeps such lists,
     * e.g. threat feeds, as reference sets; REFERENCESETCONTAINS in AQL-FACTS §6).
     */
    const referenceSetTest = (fn: string, x: Out, sub: Extract<ScalarExpr, { kind: 'subquery' }>): Out => {
      if (!allowed.has('reference-set')) return fail(`${SUBQUERY_LIST}; or allow the approximation 'reference-set' to test a reference set named after the let`, sub.span);
      const q = sub.query;
      if (q.source.kind !== 'letTable' || q.ops.length > 0) return fail(`${SUBQUERY_LIST} (the approximation 'reference-set' needs the list to be a let, whose name names the set)`, sub.span);
      approximations.push({ name: 'reference-set', column: q.source.name, span: sub.span });
      if (fn.endsWith('~')) notes.push(`${q.source.name}: ${fn} compares ignoring case: make the reference set an AlphaNumeric (Ignore Case) set`);
      const test = `REFERENCESETCONTAINS(${aqlString(q.source.name)}, ${x.text})`;
      return fn.startsWith('!') ? negate(x.text, test) : cond(test, 3);
    };

    /**
     * parse_json (or extractjson) of tostring(p), p a place in the event's JSON: in KQL the value at
     * p again when p holds an object or array (its JSON text parses back to it), but a new document
     * when p holds a string of JSON text, which no custom property's JSON keypath can read into. So
     * p itself only where the mapping says real events hold an object there (objects:, cited).
     */
    const reparsed = (fn: string, p: JsonPath, span: Span): JsonPath => {
      const cm = Object.values(m.columns).find((c) => c.json === p.root);
      const key = jsonShapeKey(p.steps);
      if (cm?.objects?.includes(key)) {
        notes.push(`${fn}(tostring(${jsonPropertyName(p)})) is read as ${jsonPropertyName(p)} itself: real events hold a JSON object there (the ${m.table} mapping's objects:)`);
        return p;
      }
      const text = cm?.texts && Object.hasOwn(cm.texts, key) ? cm.texts[key] : undefined;
      if (text !== undefined) return fail(`${fn}() of the text of ${jsonPropertyName(p)} has no AQL equivalent: real events hold a string of JSON text there (${m.file}: ${text}), and a QRadar custom property's JSON keypath reads only the event's own JSON, not JSON inside a string`, span);
      return fail(`${fn}() of the text of ${jsonPropertyName(p)} has no AQL translation: it is ${jsonPropertyName(p)} itself only where real events hold a JSON object there, and ${m.file} does not say so (list ${key} under objects: of ${p.root}, with the source, if it is one)`, span);
    };

    /** `x in (items)` (in, !in, in~, !in~) of constant items none of which the mapping rewrites. */
    const listTest = (fn: string, x: Out, items: readonly unknown[]): Out => {
      const ci = fn.endsWith('~');
      let positive: string;
      if (!ci && x.type !== 'string' && items.some((v) => typeof v === 'number')) numeric(x);
      if (!ci) positive = `${x.text} IN (${items.map((v) => (typeof v === 'number' && x.type !== 'string' ? String(v) : aqlString(toKqlString(v)))).join(', ')})`;
      else if (items.every((v) => likeSafe(toKqlString(v)))) positive = items.map((v) => `${textOf(x)} ILIKE ${aqlString(toKqlString(v))}`).join(' OR ');
      else positive = `${textOf(x)} IMATCHES ${aqlString(`^(?:${items.map((v) => regexEscape(toKqlString(v))).join('|')})${END}`)}`;
      // A list holding '' holds a missing string (KQL's ''), which AQL's NULL is not in.
      if (isTextual(x) && items.some((v) => v === '')) {
        return fn.startsWith('!') ? cond(`(${x.text} IS NOT NULL AND NOT (${positive}))`, 4) : cond(`(${x.text} IS NULL OR ${positive})`, 4);
      }
      if (fn.startsWith('!')) return negate(x.text, positive);
      return cond(items.length > 1 && ci ? `(${positive})` : positive, ci && items.length > 1 ? 4 : 3);
    };

    /** A call's arguments for its function table entry's lowering; `span` is where a bad one is reported. */
    const argsOf = (args: readonly ScalarExpr[], span: Span, resultType: ScalarType): AqlArgs => {
      const translated: Out[] = [];
      const arg = (i: number) => (translated[i] ??= expr(args[i]!));
      return {
        count: args.length,
        resultType,
        condition: (i, min, what) => {
          const o = arg(i);
          return o.cond ? paren(o, min) : fail(what, span);
        },
        atom: (i) => paren(arg(i), 4),
        literal: (i) => constantOf(args[i]!),
        rewrite: (i, j, ci) => rewriteOf(args[i]!, constantOf(args[j]!), ci)?.aql,
        isTime: (i) => arg(i).isTime === true,
        operand: (i) => operand(arg(i), span).text,
        type: (i) => operand(arg(i), span).type,
        ip: (i) => operand(arg(i), span).column?.kind === 'ip',
        text: (i) => textOf(operand(arg(i), span)),
        textOrEmpty: (i) => {
          const o = operand(arg(i), span);
          // AQL holds times as epoch milliseconds: as text they are not KQL's ISO form.
          if (o.type === 'datetime' || o.type === 'timespan') fail(`a ${o.type} as text has no AQL form here: AQL holds it as a number of milliseconds, KQL writes it as ${o.type === 'datetime' ? 'ISO 8601 text' : '[d.]hh:mm:ss'}`, span);
          return constantOf(args[i]!) !== undefined ? textOf(o) : orEmpty(o);
        },
        nonNegative: (i) => nonNegative(args[i]!),
        number: (i) => numeric(operand(arg(i), span)).text,
        value: (i) => valueOnly(arg(i), span).text,
        aql: (i) => arg(i).text,
        constant: (i, what) => stringConst(args[i]!, what),
        strings: (from) => listConsts(args.slice(from), span).map((v) => toKqlString(v)),
        ir: (i) => args[i]!,
        note: (text) => void notes.push(text),
        fail: (message) => fail(message, span),
      };
    };

    const call = (e: Extract<ScalarExpr, { kind: 'call' }>): Out => {
      const a = e.args;
      const known = aqlFunction(e.fn);
      if (known && 'none' in known) return fail(`${e.fn}() has no AQL translation: ${known.none}`, e.span);
      if (known?.aql && !known.aggregate) {
        const args = argsOf(a, e.span, e.type);
        const text = known.aql(args);
        if (known.condition) return cond(text, known.condition);
        if (known.bucket) return val(text, args.type(0), { isTime: args.isTime(0) });
        return val(text, e.type, known.open ? { prec: 0, open: true } : {});
      }
      switch (e.fn) {
        case 'not': {
          // NOT (c) drops an event whose property is missing, where KQL reads "": push not down (negation.ts).
          if (isPlainNot(e)) return cond(`NOT (${expr(a[0]!).text})`, 3);
          const n = negated(a[0]!);
          if ('error' in n) return fail(n.error, e.span);
          try {
            return expr(n);
          } catch (x) {
            if (!(x instanceof Unsupported)) throw x;
            // A refusal names the operator the rule wrote: the positive form's own refusal, when it has one.
            expr(a[0]!);
            throw new Unsupported(`${x.message} (not(...) is written with the negated operators)`, x.span);
          }
        }
        case 'in':
        case '!in':
        case 'in~':
        case '!in~': {
          const sub = a.length === 2 && a[1]!.kind === 'subquery' ? a[1] : undefined;
          if (sub?.kind === 'subquery') return referenceSetTest(e.fn, operand(expr(a[0]!), e.span), sub);
          const items = listConsts(a.slice(1), e.span);
          // An empty list: in holds for no value, !in for every one.
          if (items.length === 0) return e.fn.startsWith('!') ? TRUE : FALSE;
          const ci = e.fn.endsWith('~');
          const not = e.fn.startsWith('!');
          // Values the mapping rewrites (CommonSecurityLog's vendors are log source types) are written
          // as their rewrites, as `x == v or ...` would be; the other values as a list test of x.
          const rewritten = items.map((v) => rewriteOf(a[0]!, v, ci));
          const any = rewritten.flatMap((r) => (r === undefined ? [] : [`(${r.aql})`])).join(' OR ');
          const rest = items.filter((_, k) => rewritten[k] === undefined);
          if (rest.length === 0) return not ? cond(`NOT (${any})`, 3) : cond(items.length > 1 ? `(${any})` : any, 4);
          // Translated only now: a column whose every compared value the mapping rewrites may have no property itself.
          const listed = listTest(e.fn, operand(expr(a[0]!), e.span), rest);
          if (any === '') return listed;
          // x !in (v, w) is x != v and x != w; x in (v, w) is x == v or x == w.
          return not ? cond(`NOT (${any}) AND ${paren(listed, 2)}`, 2) : cond(`(${any} OR ${paren(listed, 1)})`, 4);
        }
        case 'parse_json':
        case 'parsejson':
        case 'todynamic': {
          const x = operand(expr(a[0]!), e.span);
          if (x.json) return { ...x, type: 'dynamic' };
          if (x.jsonText) return json(reparsed(e.fn, x.jsonText, e.span), 'dynamic', e.span);
          return fail(`${e.fn}() of a value that is not a JSON column of the mapping (${m.file} marks JSON columns with json:) has no AQL equivalent: AQL has no JSON function`, e.span);
        }
        case 'extractjson':
        case 'extract_json': {
          const o = operand(expr(a[1]!), e.span);
          const x = o.jsonText ? { json: reparsed(e.fn, o.jsonText, e.span) } : o;
          const steps = jsonPathSteps(stringConst(a[0]!, `the path of ${e.fn}`));
          if (!x.json || steps === undefined) return fail(`${e.fn}() needs a JSON column of the mapping and a path of keys and indexes ($.a.b[0]) for AQL`, e.span);
          return json({ root: x.json.root, steps: [...x.json.steps, ...steps] }, 'string', e.span);
        }
        case 'tostring': {
          const inner = a[0]!;
          if (inner.kind === 'member' && inner.target.kind === 'call' && inner.target.fn === 'split') {
            const key = typeof inner.key === 'object' ? constantOf(inner.key) : inner.key;
            if (typeof key === 'number') return splitOf(inner.target, key, true, inner.span);
          }
          const x = operand(expr(a[0]!), e.span);
          if (x.json) return x.json.steps.length ? val(x.text, 'string', { jsonText: x.json }) : { ...x, type: 'string' };
          if (x.type === 'string' || x.column?.kind === 'ip') return val(textOf(x), 'string', { column: x.column?.kind === 'ip' ? undefined : x.column });
          // The only dynamic values this translation makes are custom properties read from JSON (and
          // IF/CASE choices between them), whose QRadar value is already text.
          if (x.type === 'dynamic') return val(x.text, 'string');
          return fail(`tostring of a ${x.type} has no AQL translation`, e.span);
        }
        default:
          return fail(`${e.fn}() has no AQL translation (not in the AQL backend's function table)`, e.span);
      }
    };

    /** `TimeGenerated > ago(X)` on the time column: becomes the LAST clause. */
    const windowOf = (e: ScalarExpr): number | undefined => {
      if (e.kind !== 'call' || (e.fn !== '>' && e.fn !== '>=')) return undefined;
      const [l, r] = e.args;
      if (l?.kind !== 'column' || r?.kind !== 'call' || r.fn !== 'ago') return undefined;
      const col = env.get(l.name);
      if (!col || 'missing' in col || !col.isTime) return undefined;
      const d = constantOf(r.args[0]!);
      return typeof d === 'number' ? d : undefined;
    };

    const conjuncts = (e: ScalarExpr): ScalarExpr[] => (e.kind === 'call' && e.fn === 'and' ? [...conjuncts(e.args[0]!), ...conjuncts(e.args[1]!)] : [e]);

    const aggregate = (agg: Aggregate): string | undefined => {
      const known = aqlFunction(agg.fn);
      if (known && 'aql' in known && known.aggregate) return known.aql!(argsOf(agg.args, agg.span, agg.outputs[0]!.type));
      switch (agg.fn) {
        case 'make_set':
        case 'make_list':
        case 'make_set_if':
        case 'make_list_if':
          if (allowed.has('drop-list-aggregates')) return undefined;
          return fail(`${agg.fn} has no AQL equivalent (the AQL reference lists no list aggregate); allow the approximation 'drop-list-aggregates' to leave ${agg.outputs[0]!.name} out`, agg.span);
        default:
          return fail(known && 'none' in known ? `${agg.fn} has no AQL equivalent: ${known.none}` : `${agg.fn}() has no AQL translation (not in the AQL backend's function table)`, agg.span);
      }
    };

    /** mv-expand of a JSON array, approximated (when allowed) by its first element. */
    const expandFirst = (op: Extract<TabularOp, { op: 'mv-expand' }>, what: string) => {
      const reason = (aqlOperator(op.op) as { none: string }).none;
      if (!allowed.has('first-array-element')) fail(`${what} has no AQL equivalent: ${reason}; allow the approximation 'first-array-element' to read the first element only`, op.span);
      for (const c of op.columns) {
        const t = expr(c.expr);
        if (!t.json) fail(`${what} of ${c.name}, which is not a JSON array of the event, has no AQL equivalent: ${reason}`, c.expr.span);
        env.set(c.name, json({ root: t.json!.root, steps: [...t.json!.steps, 0] }, 'dynamic'));
        approximations.push({ name: 'first-array-element', column: c.name, span: op.span });
      }
      if (op.itemIndex) env.set(op.itemIndex, val('0', 'long'));
    };

    const applyOp = (op: TabularOp): void => {
      opSpan = op.span;
      const misplaced = outOfOrder(op.op, ordered);
      if (misplaced) fail(`${op.op} after ${misplaced} has no AQL equivalent: AQL applies ORDER BY and LIMIT after WHERE and GROUP BY, so the ${op.op} would see the rows before the ${misplaced}; move the ${op.op} before the ${misplaced}, or give the rule a QRadar query of its own`, op.span);
      if (op.op === 'sort' || op.op === 'top' || op.op === 'take') ordered.push(op.op);
      switch (op.op) {
        case 'mv-expand':
          expandFirst(op, 'mv-expand');
          break;
        case 'mv-apply': {
          // Its sub-query runs on the expanded rows; with one (first) element per event, its
          // filters and columns apply to the event's row itself.
          expandFirst(op.expand, 'mv-apply');
          const other = op.subquery.ops.find((o) => o.op !== 'where' && o.op !== 'extend');
          if (other) fail(`mv-apply with ${other.op} in its sub-query has no AQL equivalent (only where and extend apply to the event's own row)`, other.span);
          for (const o of op.subquery.ops) applyOp(o);
          break;
        }
        case 'where': {
          for (const c of conjuncts(op.predicate)) {
            const w = aggregated ? undefined : windowOf(c);
            if (w !== undefined) {
              windowMs = windowMs === undefined ? w : Math.min(windowMs, w);
              continue;
            }
            const t = expr(c);
            if (!t.cond) fail('where needs a condition', c.span);
            // An OR at the top is kept apart from the AND that joins the conditions ("(a) OR (b)" looks parenthesized but is not).
            (aggregated ? having : where).push(aggregated ? t.text : paren(t, 2));
          }
          break;
        }
        case 'extend':
          for (const c of op.columns) {
            if (!aggregated) {
              const t = expr(c.expr);
              env.set(c.name, t);
              // After a project the SELECT list is its columns: the new one joins them (a condition is refused at the end).
              if (select && !t.cond) {
                // KQL's extend of an existing column keeps its place.
                const item = { alias: c.name, text: t.text, span: op.span };
                select = select.some((s) => s.alias === c.name) ? select.map((s) => (s.alias === c.name ? item : s)) : [...select, item];
              }
              continue;
            }
            // After summarize an extend is a SELECT column.
            const t = inSelect(() => valueOnly(expr(c.expr), c.expr.span));
            select = [...(select ?? []).filter((s) => s.alias !== c.name), { alias: c.name, text: t.text, span: op.span }];
            definitions.set(c.name, t.text);
            env.set(c.name, val(aqlAlias(c.name), t.type, { aggregate: t.text }));
          }
          break;
        case 'distinct':
        case 'count':
        case 'summarize': {
          // distinct is a GROUP BY of its columns; count a COUNT(*) of all rows.
          if (aggregated) fail(`a ${op.op} after summarize, distinct or count has no AQL equivalent (AQL has one GROUP BY)`, op.span);
          aggregated = true;
          const by = op.op === 'summarize' ? op.by : op.op === 'distinct' ? op.columns : [];
          const aggregates: readonly Aggregate[] =
            op.op === 'summarize' ? op.aggregates : op.op === 'count' ? [{ fn: 'count', args: [], outputs: op.schema, explicitName: true, span: op.span }] : [];
          const next = new Map<string, Out | { missing: string }>();
          const items: SelectItem[] = [];
          groupBy = [];
          for (const b of by) {
            const t = valueOnly(expr(b.expr), b.expr.span);
            const isPlain = b.expr.kind === 'column';
            items.push({ alias: b.name, text: t.text, span: op.span });
            definitions.set(b.name, t.text);
            // Expressions (time buckets) are grouped through their SELECT alias, as IBM recommends.
            groupBy.push(isPlain ? t.text : aqlAlias(b.name));
            next.set(b.name, val(aqlAlias(b.name), t.type, { aggregate: t.text, isTime: t.isTime, column: t.column }));
            if (t.isTime) notes.push(`${b.name} is a time bucket in milliseconds since the epoch (starttime), not a formatted date`);
          }
          for (const agg of aggregates) {
            const text = aggregate(agg);
            const out = agg.outputs[0]!;
            if (text === undefined) {
              approximations.push({ name: 'drop-list-aggregates', column: out.name, span: agg.span });
              dropped.add(out.name);
              next.set(out.name, { missing: `${out.name} was left out (drop-list-aggregates)` });
              continue;
            }
            items.push({ alias: out.name, text, span: op.span });
            definitions.set(out.name, text);
            next.set(out.name, val(aqlAlias(out.name), out.type, { aggregate: text }));
          }
          env = next;
          select = items;
          break;
        }
        case 'project': {
          const items: SelectItem[] = [];
          const next = new Map<string, Out | { missing: string }>();
          for (const c of op.columns) {
            if (c.expr.kind === 'column' && dropped.has(c.expr.name)) {
              next.set(c.name, { missing: `${c.name} was left out` });
              continue;
            }
            if (c.expr.kind === 'column') {
              const src = env.get(c.expr.name);
              if (src && 'missing' in src && allowed.has('drop-unmapped-columns')) {
                approximations.push({ name: 'drop-unmapped-columns', column: c.name, span: c.expr.span });
                dropped.add(c.name);
                continue;
              }
            }
            const t = inSelect(() => valueOnly(expr(c.expr), c.expr.span));
            items.push({ alias: c.name, text: t.text, span: op.span });
            if (aggregated) {
              definitions.set(c.name, t.text);
              next.set(c.name, val(aqlAlias(c.name), t.type, { aggregate: t.text, isTime: t.isTime }));
            } else next.set(c.name, { ...t });
          }
          env = next;
          select = items;
          break;
        }
        case 'project-away':
          for (const n of op.names) env.delete(n);
          if (select) select = select.filter((s) => !op.names.includes(s.alias));
          break;
        case 'project-keep':
        case 'project-reorder':
          if (select) {
            const order = op.schema.map((c) => c.name);
            select = order.map((n) => select!.find((s) => s.alias === n)).filter((s): s is SelectItem => s !== undefined);
          }
          break;
        case 'project-rename':
          for (const r of op.renames) {
            const v = env.get(r.from)!;
            env.delete(r.from);
            env.set(r.to, v);
            if (select) select = select.map((s) => (s.alias === r.from ? { alias: r.to, text: s.text, span: op.span } : s));
          }
          break;
        case 'sort':
        case 'top': {
          const keys = op.op === 'sort' ? op.keys : [op.key];
          orderBy.length = 0;
          for (const k of keys) {
            const t = valueOnly(expr(k.expr), k.expr.span);
            orderBy.push(`${t.text} ${k.direction.toUpperCase()}`);
          }
          if (op.op === 'top') limit = countOf(op, constantOf, fail);
          break;
        }
        case 'take':
          limit = Math.min(limit ?? Infinity, countOf(op, constantOf, fail));
          break;
        case 'evaluate':
          // The plugins' columns and rows (bag_unpack's come from the data) have no AQL form.
          fail(`evaluate ${op.plugin} has no AQL equivalent`, op.span);
          break;
        default: {
          const known = aqlOperator(op.op);
          fail(known && 'none' in known ? `${op.op} has no AQL equivalent: ${known.none}` : `${op.op} has no AQL translation (not in the AQL backend's operator table)`, op.span);
        }
      }
    };
    for (const op of ir.body.ops) applyOp(op);

    // Final SELECT: the summarize/project items, or the mapped columns of the output schema.
    if (!select) {
      select = [];
      for (const c of ir.body.schema) {
        const e = env.get(c.name);
        if (!e || 'missing' in e) continue;
        if (!e.cond) select.push({ alias: c.name, text: e.text });
      }
      notes.push('SELECT lists the output columns that have a QRadar property');
    }
    for (const alias of usedAliases) {
      if (select.some((s) => s.alias === alias) || !definitions.has(alias)) continue;
      select.push({ alias, text: definitions.get(alias)! });
      notes.push(`SELECT also lists ${alias}, which HAVING or ORDER BY uses`);
    }
    for (const c of ir.body.schema) {
      if (select.some((s) => s.alias === c.name) || dropped.has(c.name)) continue;
      const e = env.get(c.name);
      if (e && !('missing' in e) && e.cond) fail(`output column ${c.name} is a condition; AQL cannot select a boolean`);
    }
    if (windowMs === undefined) fail('the rule has no queryPeriod and the query no TimeGenerated > ago(...) filter: AQL needs a time range (LAST ...)');

    opSpan = undefined;

    const lines: string[] = [];
    const used = [select.map((s) => s.text), where, having, orderBy, groupBy].flat().join('\n');
    for (const [text, p] of jsonUses) if (used.includes(text)) notes.push(jsonPropertyNote(p));
    const selectItem = (s: SelectItem) => {
      opSpan = s.span;
      const alias = aqlAlias(s.alias);
      return `    ${s.text === alias ? s.text : `${s.text} AS ${alias}`}`;
    };
    lines.push(select.map(selectItem).join(',\n'));
    opSpan = undefined;
    lines.push(`FROM ${m.source}`);
    const sourceConds = [
      `devicetype IN (${m.logSourceTypes.map((t) => t.id).join(', ')})`,
      ...(m.conditions ?? []).map((c) => `(${c.aql})`),
    ];
    lines.push(`WHERE ${[SOURCE_CONDITIONS, ...where.map((w) => (/ OR /.test(w) && !/^\(.*\)$/.test(w) ? `(${w})` : w))].join('\n    AND ')}`);
    if (groupBy.length) lines.push(`GROUP BY ${groupBy.join(', ')}`);
    if (having.length) lines.push(`HAVING ${having.map((h) => (having.length > 1 && / OR /.test(h) ? `(${h})` : h)).join(' AND ')}`);
    if (orderBy.length) lines.push(`ORDER BY ${orderBy.join(', ')}`);
    if (limit !== undefined) lines.push(`LIMIT ${limit}`);
    lines.push(lastClause(windowMs!));
    return { body: `${lines.join('\n')}\n`, source: sourceConds, errors, approximations, notes: [...new Set(notes)] };
  } catch (e) {
    if (e instanceof Unsupported) return { errors: [{ message: e.message, span: e.span }], approximations, notes };
    if (e instanceof AqlUnwritable) return { errors: [{ message: e.message, span: opSpan }], approximations, notes };
    throw e;
  }
}

const SUBQUERY_LIST = "in (a tabular sub-query) has no AQL equivalent: IBM's AQL reference has no sub-select; keep the list in a QRadar reference set and test it with REFERENCESETCONTAINS('set', value) in a QRadar query of the rule's own";

const TRUE: Out = { text: ALWAYS, cond: true, prec: 3, type: 'bool' };
const FALSE: Out = { text: NEVER, cond: true, prec: 3, type: 'bool' };


/** A JSON place read through its custom property (named after the path, double-quoted). */
function jsonValue(p: JsonPath, type: ScalarType): Out {
  return val(`"${jsonPropertyName(p).replace(/"/g, '""')}"`, type, { json: p });
}

/** A column's mapping, own keys only: a column named `constructor` is not Object's constructor. */
function columnMapping(m: TableMapping, name: string): ColumnMapping | undefined {
  return Object.hasOwn(m.columns, name) ? m.columns[name] : undefined;
}

function memberRoot(e: ScalarExpr): string {
  return e.kind === 'member' ? memberRoot(e.target) : e.kind === 'column' ? e.name : '';
}

/** What an approximation did to its columns. */
export const approximationVerb = (name: Approximation): string => (name === 'first-array-element' ? 'first element only of' : name === 'reference-set' ? 'reference set for' : 'left out');

/** One line per approximation kind: `drop-list-aggregates: left out Resources, Apps (why)`. */
export function describeApproximations(uses: readonly ApproximationUse[]): string[] {
  const byName = new Map<Approximation, string[]>();
  for (const u of uses) byName.set(u.name, [...(byName.get(u.name) ?? []), u.column]);
  return [...byName].map(([name, columns]) => `${name}: ${approximationVerb(name)} ${columns.join(', ')} (${APPROXIMATIONS[name]})`);
}

/**
 * `A.b.c` / `A[0].b` as the path a mapping names (`InitiatedBy.user.userPrincipalName`), when every
 * key is a constant: keys after '.', indexes in '[]', so `A["0"]` and `A[0]` differ, and a key
 * holding '.', '[' or ']' (`A["user.name"]`) names no mapped path.
 */
function memberPath(e: ScalarExpr): string | undefined {
  if (e.kind === 'column') return e.name;
  if (e.kind !== 'member' || typeof e.key === 'object') return undefined;
  const base = memberPath(e.target);
  if (base === undefined) return undefined;
  if (typeof e.key === 'number') return `${base}[${e.key}]`;
  return jsonKeyProblem(e.key) ? undefined : `${base}.${e.key}`;
}

/**
 * The sort/top/take an operator may not follow in one AQL query, if any. ORDER BY and LIMIT are
 * the query's last clauses: after a sort, grouping loses the order (and AQL would order groups by
 * an ungrouped column); after top/take, a filter, grouping, expansion or another order would run on
 * the limited rows in KQL but on all rows in AQL. Row-wise operators (extend, project, renames)
 * keep the rows and their order, and where keeps the order a sort made.
 */
function outOfOrder(op: string, ordered: readonly string[]): string | undefined {
  const limit = ordered.find((o) => o === 'top' || o === 'take');
  const sort = ordered.find((o) => o === 'sort');
  if (limit && ['where', 'summarize', 'distinct', 'count', 'sort', 'top', 'mv-expand', 'mv-apply'].includes(op)) return limit;
  if (sort && ['summarize', 'distinct', 'count', 'mv-expand', 'mv-apply'].includes(op)) return sort;
  return undefined;
}

function countOf(op: TabularOp & { count: ScalarExpr }, constantOf: (e: ScalarExpr) => unknown, fail: (m: string, s?: Span) => never): number {
  const n = constantOf(op.count);
  return typeof n === 'number' ? n : fail('the row count must be a constant for AQL LIMIT', op.count.span);
}

/** A real literal with its decimal point (KQL's 100.0 is a real, 100 a long): plain digits, no exponent. */
function realLiteral(v: number, span: Span): string {
  const text = Number.isInteger(v) && Math.abs(v) < 1e21 ? `${v}.0` : String(v);
  if (/e/i.test(text)) throw new Unsupported(`the real ${text} has no AQL literal: IBM documents no exponent form; write it with plain digits`, span);
  return text;
}

/** `LAST n DAYS|HOURS|MINUTES` for a window (rounded up to whole minutes). */
export function lastClause(ms: number): string {
  const minutes = Math.ceil(ms / 60_000);
  // Hours read better up to three days (LAST 24 HOURS rather than LAST 1 DAYS).
  if (minutes % 1440 === 0 && minutes > 3 * 1440) return `LAST ${minutes / 1440} DAYS`;
  if (minutes % 60 === 0) return `LAST ${minutes / 60} HOURS`;
  return `LAST ${minutes} MINUTES`;
}


const parsedRewrites = new WeakMap<TableMapping, { kql: string; aql: string; note?: string; pattern: RewritePattern }[]>();
/** A mapping's rewrites with their patterns, parsed once per mapping. */
function rewritesOf(m: TableMapping) {
  let r = parsedRewrites.get(m);
  if (!r) {
    r = (m.rewrites ?? []).map((x) => ({ ...x, pattern: rewritePattern(x.kql, m.file) }));
    parsedRewrites.set(m, r);
  }
  return r;
}
