/**
 * IR -> canonical KQL: let statements first, then the source, one tabular operator per line
 * starting with `| `. Long operator lines break into one item per line. Emitting, parsing the
 * output and emitting again gives the same text (tested).
 */
import { lookup, scalarEntry } from '../../catalog/catalog.js';
import type { Aggregate, Column, Let, NamedExpr, QueryIR, ScalarExpr, SortKey, Source, Tabular, TabularOp, UnionSource } from '../../ir/types.js';
import { isHashAsText, isHashRemainder } from '../../ir/exact-hash.js';
import { WINDOW_FUNCTIONS } from '../../ir/window.js';
import { kqlDatetime, kqlDynamicValue, kqlName, kqlReal, kqlString, kqlTimespan } from './literals.js';

const MAX_LINE = 100;
const INDENT = '    ';

export function emitKql(ir: QueryIR): string {
  // A workspace function's body is in the workspace: the output keeps its call, not its lets.
  const lines = [...ir.lets.filter((l) => !l.fromFunction).map(emitLet), emitTabular(ir.body, '')];
  return `${lines.join('\n')}\n`;
}

function emitLet(l: Let): string {
  if (l.kind === 'tabular') {
    const body = emitTabular(l.value, INDENT);
    return l.materialized ? `let ${kqlName(l.name)} = materialize(${body});` : `let ${kqlName(l.name)} = ${body};`;
  }
  const v = l.value;
  // A long dynamic list reads best one line per few items.
  if (v.kind === 'literal' && v.type === 'dynamic' && Array.isArray(v.value)) {
    const one = `let ${kqlName(l.name)} = ${expr(v)};`;
    if (one.length > MAX_LINE) return `let ${kqlName(l.name)} = dynamic([\n${wrapItems(v.value.map(kqlDynamicValue), INDENT)}\n]);`;
  }
  return `let ${kqlName(l.name)} = ${expr(v)};`;
}

/** Items joined with ", ", wrapped at MAX_LINE, each line indented. */
function wrapItems(items: string[], indent: string): string {
  const lines: string[] = [];
  let current = '';
  for (const [i, item] of items.entries()) {
    const piece = item + (i < items.length - 1 ? ',' : '');
    if (current && indent.length + current.length + 1 + piece.length > MAX_LINE) {
      lines.push(indent + current);
      current = piece;
    } else current = current ? `${current} ${piece}` : piece;
  }
  if (current) lines.push(indent + current);
  return lines.join('\n');
}

/** A pipeline; `indent` is put before continuation lines (used inside lets). */
function emitTabular(t: Tabular, indent: string): string {
  const source = emitSource(t.source);
  return [source, ...visibleOps(t.ops).map((op) => emitOp(op, indent))].join(`\n${indent}`);
}

/** Single-line form for a pipeline nested in an expression (`x in (T | project c)`). */
function inlineTabular(t: Tabular): string {
  const source = emitSource(t.source);
  return [source, ...visibleOps(t.ops).map((op) => emitOp(op, '', true))].join(' ');
}

type Summarize = Extract<TabularOp, { op: 'summarize' }>;
/** A summarize with the project of its aggregate values (ir/aggregate-values.ts): one operator as written. */
type SummarizeValues = { readonly op: 'summarize-values'; readonly summarize: Summarize; readonly project: Extract<TabularOp, { op: 'project' }> };

/**
 * The operators as written: the project-away the binder adds after a lookup is part of the lookup,
 * and the project it adds after a summarize with aggregate values is part of the summarize.
 */
function visibleOps(ops: readonly TabularOp[]): (TabularOp | SummarizeValues)[] {
  const out: (TabularOp | SummarizeValues)[] = [];
  for (const [i, op] of ops.entries()) {
    if (op.op === 'project-away' && i > 0 && ops[i - 1]!.op === 'join' && (ops[i - 1] as Extract<TabularOp, { op: 'join' }>).lookup) continue;
    const before = out[out.length - 1];
    if (op.op === 'project' && op.ofSummarize && before?.op === 'summarize') out[out.length - 1] = { op: 'summarize-values', summarize: before, project: op };
    else out.push(op);
  }
  return out;
}

/** The items of a summarize with aggregate values: each hidden aggregate column written as its call again. */
function summarizeValueItems({ summarize, project }: SummarizeValues): string[] {
  const byOutput = new Map(summarize.aggregates.flatMap((a) => a.outputs.map((o) => [o.name, a] as const)));
  const written = new Set<Aggregate>();
  const items: string[] = [];
  const inline = (e: ScalarExpr): ScalarExpr => {
    const a = e.kind === 'column' ? byOutput.get(e.name) : undefined;
    if (a) return { kind: 'call', fn: a.fn, args: a.args, type: e.type, span: a.span };
    return e.kind === 'call' ? { ...e, args: e.args.map(inline) } : e.kind === 'member' && typeof e.key === 'object' ? { ...e, target: inline(e.target), key: inline(e.key) } : e.kind === 'member' ? { ...e, target: inline(e.target) } : e;
  };
  for (const c of project.columns.slice(summarize.by.length)) {
    const a = c.expr.kind === 'column' && c.expr.name === c.name ? byOutput.get(c.name) : undefined;
    if (a) {
      if (!written.has(a)) items.push(aggregate(a));
      written.add(a);
    } else items.push(c.explicitName ? `${kqlName(c.name)} = ${expr(inline(c.expr))}` : expr(inline(c.expr)));
  }
  return items;
}

function emitSource(s: Source): string {
  switch (s.kind) {
    case 'table':
      return s.call ?? kqlName(s.table);
    case 'letTable':
      return s.call ?? kqlName(s.name);
    case 'union':
      return emitUnion(s);
    case 'datatable': {
      const width = s.schema.length;
      const rows: string[] = [];
      for (let i = 0; i < s.values.length; i += width) rows.push(s.values.slice(i, i + width).map((v) => expr(v)).join(', '));
      return `datatable(${columnList(s.schema)}) [${rows.join(', ')}]`;
    }
    case 'print':
      return `print ${s.columns.map(named).join(', ')}`;
    case 'externaldata': {
      const props = s.properties.map((p) => `${kqlName(p.name)}=${typeof p.value === 'string' ? kqlString(p.value) : String(p.value)}`);
      return `externaldata(${columnList(s.schema)}) [${s.urls.map(kqlString).join(', ')}]${props.length ? ` with (${props.join(', ')})` : ''}`;
    }
    case 'mvApplyRows':
      return '';
    case 'range':
      return `range ${kqlName(s.schema[0]!.name)} from ${expr(s.from)} to ${expr(s.to)} step ${expr(s.step)}`;
  }
}

// ---- union (issue 27) ----

/** `union kind=... withsource=... isfuzzy=true Leg, ...`; a wildcard's tables as the pattern written. */
function emitUnion(u: UnionSource): string {
  const options = [
    ...(u.unionKind === 'inner' ? ['kind=inner'] : []),
    ...(u.withSource !== undefined ? [`withsource=${kqlName(u.withSource)}`] : []),
    ...(u.isFuzzy ? ['isfuzzy=true'] : []),
    ...u.hints,
  ];
  const legs: string[] = [];
  for (const leg of u.legs) {
    if (leg.pattern !== undefined) {
      if (!legs.includes(leg.pattern)) legs.push(leg.pattern);
      continue;
    }
    const q = leg.query;
    const named = q.source.kind === 'table' || q.source.kind === 'letTable';
    legs.push(q.ops.length === 0 && named ? emitSource(q.source) : `(${inlineTabular(q)})`);
  }
  // A pattern, or a call left out (as written), is KQL text already.
  legs.push(...u.unresolved.map((n) => (/[*(]/.test(n) ? n : kqlName(n))));
  return ['union', ...options, legs.join(', ')].join(' ');
}

function emitOp(op: TabularOp | SummarizeValues, indent: string, inline = false): string {
  const items = (keyword: string, parts: string[], tail?: string): string => {
    const one = `| ${keyword} ${parts.join(', ')}${tail ? ` ${tail}` : ''}`;
    if (inline || indent.length + one.length <= MAX_LINE || parts.length < 2) return one;
    const inner = indent + INDENT;
    // Plain column lists fill lines; anything else goes one item per line.
    const body = parts.every((p) => /^[\w\[\]']+$/.test(p)) ? wrapItems(parts, inner) : parts.map((p) => inner + indentContinuation(p, inner)).join(',\n');
    return `| ${keyword}\n${body}${tail ? `\n${inner}${tail}` : ''}`;
  };
  switch (op.op) {
    case 'where':
      return `| where ${expr(op.predicate)}`;
    case 'extend':
      return items('extend', namedItems(op.columns));
    case 'serialize':
      return op.columns.length ? items('serialize', op.columns.map(named)) : '| serialize';
    case 'project':
      return items('project', namedItems(op.columns));
    case 'project-away':
    case 'project-keep':
    case 'project-reorder':
      return items(op.op, op.names.map(kqlName));
    case 'project-rename':
      return items('project-rename', op.renames.map((r) => `${kqlName(r.to)} = ${kqlName(r.from)}`));
    case 'summarize': {
      const by = op.by.length ? `by ${op.by.map(named).join(', ')}` : undefined;
      if (op.aggregates.length === 0) return `| summarize ${by ?? ''}`.trimEnd();
      return items('summarize', op.aggregates.map(aggregate), by);
    }
    case 'summarize-values':
      return items('summarize', summarizeValueItems(op), op.summarize.by.length ? `by ${op.summarize.by.map(named).join(', ')}` : undefined);
    case 'sort':
      return `| sort by ${op.keys.map(sortKey).join(', ')}`;
    case 'top':
      return `| top ${expr(op.count)} by ${sortKey(op.key)}`;
    case 'take':
      return `| take ${expr(op.count)}`;
    case 'distinct':
      return `| distinct ${op.columns.map(named).join(', ')}`;
    case 'count':
      return '| count';
    case 'getschema':
      return '| getschema';
    case 'top-nested':
      return `| ${op.levels
        .map((l) => `top-nested ${l.count ? `${expr(l.count)} ` : ''}of ${named(l.of)}${l.others ? ` with others = ${expr(l.others)}` : ''} by ${aggregate(l.aggregate)}${l.explicitDirection ? ` ${l.direction}` : ''}`)
        .join(', ')}`;
    case 'parse-kv': {
      const columns = op.columns.map((c) => `${kqlName(c.name)}: ${c.type}`).join(', ');
      const options = op.options.map((o) => `${o.name}=${typeof o.value === 'string' ? kqlString(o.value) : String(o.value)}`);
      return `| parse-kv ${expr(op.expr)} as (${columns})${options.length ? ` with (${options.join(', ')})` : ''}`;
    }
    case 'evaluate': {
      const hints = op.hints?.length ? `${op.hints.join(' ')} ` : '';
      if (op.plugin === 'narrow') return `| evaluate ${hints}narrow()`;
      if (op.plugin === 'ipv4_lookup') {
        const plain = op.right.ops.length === 0 && (op.right.source.kind === 'table' || op.right.source.kind === 'letTable');
        const table = plain ? inlineTabular(op.right) : `(${inlineTabular(op.right)})`;
        const args = [table, kqlName(op.sourceKey), kqlName(op.lookupKey), ...op.extraKeys.map(kqlName), ...(op.explicitUnmatched ? [String(op.returnUnmatched)] : [])];
        return `| evaluate ${hints}ipv4_lookup(${args.join(', ')})`;
      }
      if (op.plugin === 'pivot') {
        const args = [kqlName(op.column), ...(op.aggregate ? [aggregate(op.aggregate)] : []), ...(op.explicitBy ? op.by.map(kqlName) : [])];
        const declared = op.declared ? ` : (${columnList(op.declared)})` : '';
        return `| evaluate ${hints}pivot(${args.join(', ')})${declared}`;
      }
      // As written: the arguments (named ones by their name) and the output schema if given.
      const args = op.args.map((a) => `${a.name ? `${a.name}=` : ''}${expr(a.expr)}`).join(', ');
      const declared = op.declared && `(${[...(op.declared.wildcard ? ['*'] : []), ...op.declared.columns.map(columnDeclaration)].join(', ')})`;
      return `| evaluate ${hints}${op.plugin}(${args})${declared ? ` : ${declared}` : ''}`;
    }
    case 'make-series': {
      const aggs = op.aggregates.map((a, i) => `${aggregate(a)}${op.defaults[i] ? ` default = ${expr(op.defaults[i]!)}` : ''}`);
      const range = op.inRange
        ? ` in range(${expr(op.from!)}, ${expr(op.to!)}, ${expr(op.step)})`
        : `${op.from ? ` from ${expr(op.from)}` : ''}${op.to ? ` to ${expr(op.to)}` : ''} step ${expr(op.step)}`;
      const by = op.by.length ? ` by ${op.by.map(named).join(', ')}` : '';
      return `| make-series ${op.kind ? `kind=${op.kind} ` : ''}${aggs.join(', ')} on ${expr(op.axis.expr)}${range}${by}`;
    }
    case 'join': {
      const keys = op.keys.map((k) => (k.left === k.right ? kqlName(k.left) : `$left.${kqlName(k.left)} == $right.${kqlName(k.right)}`)).join(', ');
      const head = `${op.lookup ? 'lookup' : 'join'} kind=${op.kind}${op.hints?.length ? ` ${op.hints.join(' ')}` : ''}`;
      const one = `| ${head} (${inlineTabular(op.right)}) on ${keys}`;
      if (inline || indent.length + one.length <= MAX_LINE) return one;
      const inner = indent + INDENT;
      return `| ${head} (\n${inner}${emitTabular(op.right, inner)}\n${inner}) on ${keys}`;
    }
    case 'parse':
    case 'parse-where': {
      const options = `${op.kind !== 'simple' ? `kind=${op.kind} ` : ''}${op.flags !== undefined ? `flags=${op.flags} ` : ''}`;
      const pattern = op.pattern.map((p) => (p.kind === 'star' ? '*' : p.kind === 'text' ? kqlString(p.text) : `${kqlName(p.name)}${p.explicitType ? `:${p.type}` : ''}`));
      return `| ${op.op} ${options}${expr(op.expr)} with ${pattern.join(' ')}`;
    }
    case 'mv-expand':
      return `| mv-expand ${mvExpandBody(op)}`;
    case 'mv-apply': {
      // The subquery on one line: its operators without their leading '| '.
      const sub = visibleOps(op.subquery.ops).map((o) => emitOp(o, '', true).slice(2));
      return `| mv-apply ${mvExpandBody(op.expand)} on (${sub.join(' | ')})`;
    }
  }
}

/** mv-expand's (and mv-apply's) options, items and limit. */
function mvExpandBody(op: Extract<TabularOp, { op: 'mv-expand' }>): string {
  const options = `${op.kind === 'array' ? 'kind=array ' : ''}${op.itemIndex !== undefined ? `with_itemindex=${kqlName(op.itemIndex)} ` : ''}`;
  const items = op.columns.map((c) => {
    const plain = c.expr.kind === 'column' && c.expr.name === c.name;
    return `${plain ? kqlName(c.name) : `${kqlName(c.name)} = ${expr(c.expr)}`}${c.explicitType ? ` to typeof(${c.type})` : ''}`;
  });
  // The legacy mvexpand's implicit limit of 128 is written out, so the meaning stays the same.
  return `${options}${items.join(', ')}${op.limit !== undefined ? ` limit ${op.limit}` : ''}`;
}

/** Re-indent the continuation lines of a multi-line item (a long case()). */
function indentContinuation(text: string, indent: string): string {
  return text.replace(/\n/g, `\n${indent}`);
}

/**
 * Items as written: the columns of one call's several results (`output` 0, 1, ... of one span) are
 * one item, `(a, b) = f(x)` for the names the user gave, `a = f(x)` for one, `f(x)` for none.
 */
function namedItems(columns: readonly NamedExpr[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < columns.length; i++) {
    const e = columns[i]!.expr;
    if (e.kind !== 'call' || e.output !== 0) {
      out.push(named(columns[i]!));
      continue;
    }
    let end = i + 1;
    while (end < columns.length && isNextOutput(columns[end]!.expr, e, end - i)) end++;
    const given = columns.slice(i, end).filter((c) => c.explicitName).map((c) => kqlName(c.name));
    const call = expr(e);
    out.push(given.length > 1 ? `(${given.join(', ')}) = ${call}` : given.length === 1 ? `${given[0]} = ${call}` : call);
    i = end - 1;
  }
  return out;
}

const isNextOutput = (x: ScalarExpr, first: Extract<ScalarExpr, { kind: 'call' }>, index: number): boolean =>
  x.kind === 'call' && x.output === index && x.fn === first.fn && x.span.start === first.span.start && x.span.end === first.span.end;

/** `Name:type`, as datatable, externaldata and the plugins' output schemas declare a column. */
const columnDeclaration = (c: Column): string => `${kqlName(c.name)}:${c.type}`;
const columnList = (columns: readonly Column[]): string => columns.map(columnDeclaration).join(', ');

function named(n: NamedExpr): string {
  const e = expr(n.expr);
  return n.explicitName && !(n.expr.kind === 'column' && n.expr.name === n.name) ? `${kqlName(n.name)} = ${e}` : e;
}

function aggregate(a: Aggregate): string {
  // A `*` stays `*`: its expansion can be long (a union's columns) and means the same on re-binding.
  const args = a.star ? [...a.args.slice(0, a.star.at).map((x) => expr(x)), '*', ...a.args.slice(a.star.at + a.star.count).map((x) => expr(x))] : a.args.map((x) => expr(x));
  const call = `${a.fn}(${args.join(', ')})`;
  if (!a.explicitName) return call;
  if (a.outputs.length > 1) return `(${a.outputs.map((o) => kqlName(o.name)).join(', ')}) = ${call}`;
  return `${kqlName(a.outputs[0]!.name)} = ${call}`;
}

function sortKey(k: SortKey): string {
  const defaultNulls = k.direction === 'asc' ? 'first' : 'last';
  return `${expr(k.expr)} ${k.direction}${k.explicitNulls || k.nulls !== defaultNulls ? ` nulls ${k.nulls}` : ''}`;
}

// Precedence, loosest first. Comparisons and string operators do not chain.
const PREC_OR = 1;
const PREC_AND = 2;
const PREC_CMP = 3;
const PREC_ADD = 4;
const PREC_MUL = 5;
const PREC_UNARY = 6;
const PREC_ATOM = 7;

function infixPrecedence(op: string): number {
  if (op === 'or') return PREC_OR;
  if (op === 'and') return PREC_AND;
  if (op === '+' || op === '-') return PREC_ADD;
  if (op === '*' || op === '/' || op === '%') return PREC_MUL;
  return PREC_CMP;
}

/** KQL text of a scalar expression; wraps it in parentheses when it binds looser than `min`. */
function expr(e: ScalarExpr, min = 0): string {
  const [text, prec] = exprWithPrecedence(e);
  return prec < min ? `(${text})` : text;
}

function exprWithPrecedence(e: ScalarExpr): [string, number] {
  switch (e.kind) {
    case 'literal':
      return [literal(e.type, e.value), typeof e.value === 'number' && e.value < 0 ? PREC_UNARY : PREC_ATOM];
    case 'column':
    case 'letRef':
      return [kqlName(e.name), PREC_ATOM];
    case 'member': {
      const target = expr(e.target, PREC_ATOM);
      if (typeof e.key === 'number') return [`${target}[${e.key}]`, PREC_ATOM];
      if (typeof e.key === 'string') {
        const plain = /^[A-Za-z_][A-Za-z0-9_]*$/.test(e.key) && kqlName(e.key) === e.key;
        return [plain && !e.bracket ? `${target}.${e.key}` : `${target}[${kqlString(e.key)}]`, PREC_ATOM];
      }
      return [`${target}[${expr(e.key)}]`, PREC_ATOM];
    }
    case 'subquery':
      return [inlineTabular(e.query), PREC_ATOM];
    case 'call':
      return call(e);
  }
}

function call(e: Extract<ScalarExpr, { kind: 'call' }>): [string, number] {
  if (WINDOW_FUNCTIONS.has(e.fn)) return [`${e.fn}(${e.args.map((a) => expr(a)).join(', ')})`, PREC_ATOM];
  // A used hash's hidden argument (ir/exact-hash.ts) is the evaluator's, not KQL's.
  if (isHashAsText(e)) return [`${e.fn}(${expr(e.args[0]!)})`, PREC_ATOM];
  if (isHashRemainder(e)) return [`${e.fn}(${expr(e.args[0]!)}) % ${expr(e.args[2]!, PREC_MUL + 1)}`, PREC_MUL];
  // typeof(T) has no arguments in the IR: its type is the T written.
  if (e.fn === 'typeof') return [`typeof(${e.type})`, PREC_ATOM];
  // ingestion_time()'s argument is the binder's (the column that stands for it in the evaluator).
  if (e.fn === 'ingestion_time') return ['ingestion_time()', PREC_ATOM];
  // An aggregate inside a summarize item's value (written back by summarizeValueItems).
  if (lookup(e.fn)?.kind === 'aggregate') return [`${e.fn}(${e.args.map((a) => expr(a)).join(', ')})`, PREC_ATOM];
  // column_ifexists after bag_unpack has the unpacked column as a third argument (binder.ts): written as the two given.
  if ((e.fn === 'column_ifexists' || e.fn === 'columnifexists') && e.args.length === 3) return [`${e.fn}(${expr(e.args[0]!)}, ${expr(e.args[1]!)})`, PREC_ATOM];
  const entry = scalarEntry(e.fn);
  const k = entry.kql;
  if ('infix' in k) {
    if (k.infix === 'between' || k.infix === '!between') {
      return [`${expr(e.args[0]!, PREC_CMP + 1)} ${k.infix} (${expr(e.args[1]!, PREC_CMP + 1)} .. ${expr(e.args[2]!, PREC_CMP + 1)})`, PREC_CMP];
    }
    const prec = infixPrecedence(k.infix);
    // Left-associative: the left operand may have equal precedence, the right must bind tighter.
    // Comparisons do not chain, so both sides of one must bind tighter.
    const leftMin = prec === PREC_CMP ? prec + 1 : prec;
    return [`${expr(e.args[0]!, leftMin)} ${k.infix} ${expr(e.args[1]!, prec + 1)}`, prec];
  }
  if ('list' in k) {
    const items = e.args.slice(1).map((a) => (a.kind === 'subquery' ? inlineTabular(a.query) : expr(a)));
    return [`${expr(e.args[0]!, PREC_CMP + 1)} ${k.list} (${items.join(', ')})`, PREC_CMP];
  }
  if ('prefix' in k) return [`${k.prefix}${expr(e.args[0]!, PREC_UNARY)}`, PREC_UNARY];
  const args = e.args.map((a) => expr(a));
  const one = `${k.call}(${args.join(', ')})`;
  if (k.call === 'case' && one.length > MAX_LINE) {
    // One predicate/value pair per line.
    const pairs: string[] = [];
    for (let i = 0; i + 1 < args.length; i += 2) pairs.push(`${args[i]}, ${args[i + 1]}`);
    pairs.push(args[args.length - 1]!);
    return [`case(\n${pairs.map((p) => INDENT + p).join(',\n')}\n)`, PREC_ATOM];
  }
  return [one, PREC_ATOM];
}

function literal(type: string, v: unknown): string {
  if (v === null || v === undefined) return type === 'dynamic' ? 'dynamic(null)' : `${type}(null)`;
  switch (type) {
    case 'string':
      return kqlString(String(v));
    case 'long':
      return String(v);
    // A bare number is a long in KQL: an int keeps its type through int(...).
    case 'int':
      return `int(${String(v)})`;
    case 'real':
      return kqlReal(v as number);
    case 'decimal':
      return `decimal(${kqlReal(v as number)})`;
    case 'bool':
      return v ? 'true' : 'false';
    case 'timespan':
      return kqlTimespan(v as number);
    case 'datetime':
      return kqlDatetime(v as number);
    case 'guid':
      return `guid(${String(v)})`;
    default:
      return `dynamic(${kqlDynamicValue(v)})`;
  }
}
