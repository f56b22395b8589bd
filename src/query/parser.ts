/**
 * KQL parser (chevrotain, embedded actions) producing the AST in ast.ts.
 * Statements are parsed one at a time (split at top-level `;`), so one syntax error does not hide
 * the errors of the other statements. Operators detc does not compile yet are parsed loosely
 * (skipped to the next `|`) and reported by the binder with their location.
 */
import { EmbeddedActionsParser, EOF, tokenMatcher, type IOrAlt, type IToken, type TokenType, type IParserErrorMessageProvider, type OrMethodOpts } from 'chevrotain';
import * as T from './lexer.js';
import { LazyLookaheadStrategy } from './lazy-lookahead.js';
import type {
  Assignment, Expr, LetStmt, LiteralValue, MvExpandItem, NameRef, OutputSchemaDecl, ParsePatternItem, PipeExpr, QueryAst, SortKey, Span, TabularOp, TopNestedLevel, UnionLeg, UnionSpec, WithProperty,
} from './ast.js';
import { decodeDatetime, decodeGuid, decodeStringToken, decodeTimespan } from './literals.js';

interface SyntaxProblem {
  readonly message: string;
  readonly span: Span;
  /** 'unsupported' marks constructs that parse but that detc does not compile yet. */
  readonly kind: 'syntax' | 'unsupported' | 'literal';
}

/** Offsets of a token range; `end` is exclusive. Tokens carry start offsets and images. */
const tokenEnd = (t: IToken): number => t.startOffset + t.image.length;
const span = (a: IToken, b: IToken = a): Span => ({ start: a.startOffset, end: tokenEnd(b) });
const join = (a: { span: Span }, b: { span: Span }): Span => ({ start: a.span.start, end: b.span.end });

/** Sources detc does not compile yet that may start a tabular expression. */
const UNSUPPORTED_SOURCES = new Set(['search', 'find', 'evaluate', 'view']);

/** Tokens after which `print` is a column's name, not the print statement. */
const NOT_AFTER_PRINT = [T.Pipe, T.RParen, T.RBracket, T.Comma, T.Dot, T.Semicolon, EOF, T.CompareOp, T.ListOp, T.BetweenOp, T.MulOp, T.Plus, T.Assign, T.And, T.Or, T.Matches];

const messages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected, actual }) => `expected ${T.tokenLabel(expected)} but found ${describe(actual)}`,
  buildNotAllInputParsedMessage: ({ firstRedundant }) => `unexpected ${describe(firstRedundant)}`,
  buildNoViableAltMessage: ({ actual, ruleName }) => `unexpected ${describe(actual[0])}${ruleHint(ruleName)}`,
  buildEarlyExitMessage: ({ actual, ruleName }) => `unexpected ${describe(actual[0])}${ruleHint(ruleName)}`,
};

function describe(t: IToken | undefined): string {
  if (!t || t.tokenType === EOF) return 'end of query';
  if (t.tokenType === T.UnterminatedString) return 'a string with no closing quote';
  return `'${t.image}'`;
}
function ruleHint(rule: string): string {
  const hints: Record<string, string> = {
    tabularOp: ' after |: expected a tabular operator such as where, extend, project, summarize',
    primary: ': expected an expression',
    unaryExpr: ': expected an expression',
    expr: ': expected an expression',
    dynamicValue: ': expected a JSON-like value in dynamic(...)',
  };
  return hints[rule] ?? '';
}

class KqlParser extends EmbeddedActionsParser {
  constructor() {
    // Grammar validations cost start-up time; they run in the test suite (VITEST is set there).
    super(T.allTokens, {
      maxLookahead: 1,
      lookaheadStrategy: new LazyLookaheadStrategy(1),
      recoveryEnabled: false,
      errorMessageProvider: messages,
      skipValidations: !process.env.VITEST,
    });
    this.performSelfAnalysis();
  }

  // The alternatives of the busiest choices, made on their first use and kept: OR takes them as an
  // array, and an array literal there made every alternative's closure again on every call (most
  // of what parsing allocated). Kept alternatives may not capture a call's variables; they return
  // what they parsed instead.
  private sourceAlts?: IOrAlt<Expr>[];
  private tabularAlts?: IOrAlt<TabularOp>[];
  private assignmentAlts?: OrMethodOpts<Assignment>;
  private nameRefAlts?: IOrAlt<NameRef>[];
  private relationAlts?: IOrAlt<RelationTail>[];
  private unaryAlts?: IOrAlt<Expr>[];
  private suffixAlts?: IOrAlt<Suffix>[];
  private primaryAlts?: IOrAlt<Expr>[];
  private dynamicAlts?: IOrAlt<unknown>[];

  public letOnly = this.RULE('letOnly', (): LetStmt => {
    const s = this.SUBRULE(this.letStmt);
    this.CONSUME(EOF);
    return s;
  });

  public pipeOnly = this.RULE('pipeOnly', (): PipeExpr => {
    const p = this.SUBRULE(this.pipeExpr);
    this.CONSUME(EOF);
    return p;
  });

  private letStmt = this.RULE('letStmt', (): LetStmt => {
    const kw = this.CONSUME(T.Let);
    const name = this.SUBRULE(this.nameRef);
    this.CONSUME(T.Assign);
    const value = this.SUBRULE(this.pipeExpr);
    return this.ACTION(() => ({ kind: 'let' as const, name: name.name, nameSpan: name.span, value, span: { start: kw.startOffset, end: value.span.end } }));
  });

  private pipeExpr = this.RULE('pipeExpr', (): PipeExpr => {
    const source = this.OR((this.sourceAlts ??= [
      {
        // `union` then an option or a leg (a name, `(`, `['name']`); otherwise `union` is a column's name.
        GATE: () => this.LA(1).image === 'union' && this.LA(1).tokenType === T.Identifier && (T.tokenMatcher(this.LA(2), T.Name) || this.LA(2).tokenType === T.LParen || this.LA(2).tokenType === T.LBracket),
        ALT: () => {
          const kw = this.CONSUME1(T.Identifier);
          const spec = this.SUBRULE(this.unionSpec);
          return this.ACTION((): Expr => ({ kind: 'union' as const, ...spec.spec, span: { start: kw.startOffset, end: spec.end } }));
        },
      },
      { GATE: () => this.LA(1).image === 'datatable' && this.LA(2).tokenType === T.LParen, ALT: () => this.SUBRULE(this.datatableSource) },
      { GATE: () => this.LA(1).image === 'externaldata' && this.LA(2).tokenType === T.LParen, ALT: () => this.SUBRULE(this.externalDataSource) },
      {
        // `print` then an expression; followed by an operator or a closing token, `print` is a column's name.
        GATE: () => this.LA(1).image === 'print' && this.LA(1).tokenType === T.Identifier && !NOT_AFTER_PRINT.some((t) => T.tokenMatcher(this.LA(2), t)),
        ALT: () => this.SUBRULE(this.printSource),
      },
      { GATE: () => this.LA(1).image === 'range' && this.LA(3).image === 'from', ALT: () => this.SUBRULE(this.rangeSource) },
      {
        GATE: () => UNSUPPORTED_SOURCES.has(this.LA(1).image) && this.LA(2).tokenType !== T.Pipe,
        ALT: () => {
          const t = this.CONSUME(T.Identifier);
          const last = this.SUBRULE(this.skipOperands);
          return this.ACTION((): Expr => ({ kind: 'unsupportedSource' as const, name: t.image, span: span(t, last ?? t) }));
        },
      },
      { ALT: () => this.SUBRULE(this.expr) },
    ]));
    const ops: TabularOp[] = [];
    this.MANY(() => {
      this.CONSUME(T.Pipe);
      const op = this.SUBRULE(this.tabularOp);
      this.ACTION(() => ops.push(op));
    });
    return this.ACTION(() => ({ kind: 'pipe' as const, source, ops, span: ops.length ? join(source, ops[ops.length - 1]!) : source.span }));
  });

  /** Skips the operands of an operator detc does not compile: up to `|`, `;` or an unmatched `)`. */
  private skipOperands = this.RULE('skipOperands', (): IToken | undefined => {
    let depth = 0;
    let last: IToken | undefined;
    this.MANY({
      GATE: () => {
        const t = this.LA(1).tokenType;
        if (t === EOF) return false;
        if (depth === 0 && (t === T.Pipe || t === T.Semicolon || t === T.RParen || t === T.RBracket || t === T.RBrace)) return false;
        return true;
      },
      DEF: () => {
        const tok = this.CONSUME(T.AnyToken);
        this.ACTION(() => {
          last = tok;
          const tt = tok.tokenType;
          if (tt === T.LParen || tt === T.LBracket || tt === T.LBrace) depth++;
          else if (tt === T.RParen || tt === T.RBracket || tt === T.RBrace) depth--;
        });
      },
    });
    return last;
  });

  private tabularOp = this.RULE('tabularOp', (): TabularOp => {
    return this.OR<TabularOp>((this.tabularAlts ??= [
      {
        ALT: () => {
          const kw = this.OR1([{ ALT: () => this.CONSUME(T.Where) }, { ALT: () => this.CONSUME(T.Filter) }]);
          const predicate = this.SUBRULE(this.expr);
          return this.ACTION(() => ({ op: 'where' as const, predicate, span: { start: kw.startOffset, end: predicate.span.end } }));
        },
      },
      {
        ALT: () => {
          const kw = this.CONSUME(T.Extend);
          const items = this.SUBRULE(this.assignments);
          return this.ACTION(() => ({ op: 'extend' as const, items, span: { start: kw.startOffset, end: endOf(items, kw) } }));
        },
      },
      {
        ALT: () => {
          const kw = this.CONSUME(T.Project);
          const items = this.SUBRULE1(this.assignments);
          return this.ACTION(() => ({ op: 'project' as const, items, span: { start: kw.startOffset, end: endOf(items, kw) } }));
        },
      },
      {
        ALT: () => {
          const kw = this.OR2([{ ALT: () => this.CONSUME(T.ProjectAway) }, { ALT: () => this.CONSUME(T.ProjectKeep) }]);
          const names = this.SUBRULE(this.nameList);
          return this.ACTION(() => ({
            op: kw.tokenType === T.ProjectAway ? ('project-away' as const) : ('project-keep' as const),
            names,
            span: { start: kw.startOffset, end: endOf(names, kw) },
          }));
        },
      },
      {
        ALT: () => {
          const kw = this.CONSUME(T.ProjectRename);
          const renames: { to: NameRef; from: NameRef }[] = [];
          this.AT_LEAST_ONE_SEP({
            SEP: T.Comma,
            DEF: () => {
              const to = this.SUBRULE(this.nameRef);
              this.CONSUME(T.Assign);
              const from = this.SUBRULE1(this.nameRef);
              this.ACTION(() => renames.push({ to, from }));
            },
          });
          return this.ACTION(() => ({ op: 'project-rename' as const, renames, span: { start: kw.startOffset, end: renames.length ? renames[renames.length - 1]!.from.span.end : tokenEnd(kw) } }));
        },
      },
      {
        ALT: () => {
          const kw = this.CONSUME(T.ProjectReorder);
          const keys = this.SUBRULE(this.sortKeys);
          return this.ACTION(() => ({ op: 'project-reorder' as const, keys, span: { start: kw.startOffset, end: endOf(keys, kw) } }));
        },
      },
      {
        ALT: () => {
          const kw = this.CONSUME(T.Summarize);
          let aggregates: Assignment[] = [];
          let by: Assignment[] = [];
          this.OPTION(() => { aggregates = this.SUBRULE2(this.assignments); });
          this.OPTION1(() => {
            this.CONSUME(T.By);
            by = this.SUBRULE3(this.assignments);
          });
          return this.ACTION(() => ({ op: 'summarize' as const, aggregates, by, span: { start: kw.startOffset, end: endOf(by.length ? by : aggregates, kw) } }));
        },
      },
      {
        ALT: () => {
          const kw = this.OR3([{ ALT: () => this.CONSUME(T.Sort) }, { ALT: () => this.CONSUME(T.Order) }]);
          this.CONSUME1(T.By);
          const keys = this.SUBRULE1(this.sortKeys);
          return this.ACTION(() => ({ op: 'sort' as const, keys, span: { start: kw.startOffset, end: endOf(keys, kw) } }));
        },
      },
      {
        ALT: () => {
          const kw = this.CONSUME(T.Top);
          const count = this.SUBRULE1(this.expr);
          this.CONSUME2(T.By);
          const key = this.SUBRULE(this.sortKey);
          return this.ACTION(() => ({ op: 'top' as const, count, key, span: { start: kw.startOffset, end: key.span.end } }));
        },
      },
      {
        ALT: () => {
          const kw = this.OR4([{ ALT: () => this.CONSUME(T.Take) }, { ALT: () => this.CONSUME(T.Limit) }]);
          const count = this.SUBRULE2(this.expr);
          return this.ACTION(() => ({ op: 'take' as const, count, span: { start: kw.startOffset, end: count.span.end } }));
        },
      },
      {
        ALT: () => {
          const kw = this.CONSUME(T.Distinct);
          const items: Expr[] = [];
          this.AT_LEAST_ONE_SEP1({ SEP: T.Comma, DEF: () => { const e = this.SUBRULE3(this.expr); this.ACTION(() => items.push(e)); } });
          return this.ACTION(() => ({ op: 'distinct' as const, items, span: { start: kw.startOffset, end: endOf(items, kw) } }));
        },
      },
      {
        ALT: () => {
          const kw = this.CONSUME(T.Count);
          return this.ACTION(() => ({ op: 'count' as const, span: span(kw) }));
        },
      },
      { GATE: () => this.LA(1).tokenType !== T.OtherHyphenOp || this.LA(1).image === 'mv-apply', ALT: () => this.SUBRULE(this.mvExpand) },
      { GATE: () => this.LA(1).tokenType === T.Join || (this.LA(1).image === 'lookup' && this.LA(1).tokenType === T.Identifier), ALT: () => this.SUBRULE(this.joinOp) },
      { GATE: () => this.LA(1).image === 'as' && this.LA(1).tokenType === T.Identifier, ALT: () => this.SUBRULE(this.asOp) },
      { GATE: () => this.LA(1).image === 'serialize' && this.LA(1).tokenType === T.Identifier, ALT: () => this.SUBRULE(this.serializeOp) },
      { GATE: () => this.LA(1).image === 'make-series', ALT: () => this.SUBRULE(this.makeSeriesOp) },
      {
        GATE: () => this.LA(1).image === 'getschema' && this.LA(1).tokenType === T.Identifier,
        ALT: () => {
          const kw = this.CONSUME3(T.Identifier);
          return this.ACTION(() => ({ op: 'getschema' as const, span: span(kw) }));
        },
      },
      { GATE: () => this.LA(1).image === 'parse-kv', ALT: () => this.SUBRULE(this.parseKvOp) },
      { GATE: () => this.LA(1).image === 'top-nested', ALT: () => this.SUBRULE(this.topNestedOp) },
      {
        GATE: () => this.LA(1).image === 'invoke' && this.LA(1).tokenType === T.Identifier,
        ALT: () => {
          const kw = this.CONSUME5(T.Identifier);
          const call = this.SUBRULE5(this.expr);
          return this.ACTION(() => ({ op: 'invoke' as const, call, span: { start: kw.startOffset, end: call.span.end } }));
        },
      },
      {
        GATE: () => this.LA(1).image === 'evaluate' && this.LA(1).tokenType === T.Identifier,
        ALT: () => {
          const kw = this.CONSUME4(T.Identifier);
          // `hint.distribution = per_node` and the like: kept for the KQL output.
          const hints: string[] = [];
          this.MANY9({
            GATE: () => this.LA(1).image === 'hint' && this.LA(2).tokenType === T.Dot,
            DEF: () => {
              const o = this.SUBRULE9(this.operatorOption);
              this.ACTION(() => hints.push(`hint.${o.hint!.image}=${o.value.image}`));
            },
          });
          const plugin = this.SUBRULE4(this.expr);
          const outputSchema = this.OPTION9(() => this.SUBRULE(this.outputSchemaDecl));
          return this.ACTION(() => ({ op: 'evaluate' as const, hints, plugin, ...(outputSchema ? { outputSchema } : {}), span: { start: kw.startOffset, end: outputSchema?.span.end ?? plugin.span.end } }));
        },
      },
      {
        GATE: () => this.LA(1).image === 'parse' || this.LA(1).image === 'parse-where',
        ALT: () => this.SUBRULE(this.parseOp),
      },
      {
        GATE: () => this.LA(1).image === 'union' && this.LA(1).tokenType === T.Identifier,
        ALT: () => {
          const kw = this.CONSUME1(T.Identifier);
          const spec = this.SUBRULE1(this.unionSpec);
          return this.ACTION(() => ({ op: 'union' as const, ...spec.spec, span: { start: kw.startOffset, end: spec.end } }));
        },
      },
      {
        ALT: () => {
          const kw = this.OR5([{ ALT: () => this.CONSUME(T.Identifier) }, { ALT: () => this.CONSUME(T.OtherHyphenOp) }]);
          const last = this.SUBRULE1(this.skipOperands);
          return this.ACTION(() => ({ op: 'unsupported' as const, name: kw.image, nameSpan: span(kw), span: span(kw, last ?? kw) }));
        },
      },
    ]));
  });

  /** An operator's option: `name=value` or `hint.name=value` (join, lookup, union). */
  private operatorOption = this.RULE('operatorOption', (): { option: IToken; hint?: IToken; value: IToken } => {
    const option = this.CONSUME(T.Name);
    let hint: IToken | undefined;
    this.OPTION(() => {
      this.CONSUME(T.Dot);
      hint = this.CONSUME1(T.Name);
    });
    this.CONSUME(T.Assign);
    const value = this.CONSUME(T.AnyToken);
    return { option, hint, value };
  });

  // ---- union (issue 27) ----

  /** After `union`: `[kind=inner|outer] [withsource=Name] [isfuzzy=true|false] [hint.x=y] Leg, ...`. */
  private unionSpec = this.RULE('unionSpec', (): { spec: UnionSpec; end: number } => {
    let unionKind: NameRef | undefined;
    let withSource: NameRef | undefined;
    let isFuzzy: boolean | undefined;
    const hints: string[] = [];
    this.MANY({
      GATE: () => (['kind', 'withsource', 'isfuzzy'].includes(this.LA(1).image) && this.LA(2).tokenType === T.Assign) || (this.LA(1).image === 'hint' && this.LA(2).tokenType === T.Dot),
      DEF: () => {
        const { option, hint, value } = this.SUBRULE(this.operatorOption);
        this.ACTION(() => {
          const v = { name: value.image, span: span(value) };
          if (hint) hints.push(`hint.${hint.image}=${value.image}`);
          else if (option.image === 'kind') unionKind = v;
          else if (option.image === 'withsource') withSource = v;
          else if (value.tokenType === T.True || value.tokenType === T.False) isFuzzy = value.tokenType === T.True;
          else this.problems.push({ kind: 'syntax', message: `isfuzzy must be true or false, not '${value.image}'`, span: span(value) });
        });
      },
    });
    const legs: UnionLeg[] = [];
    this.AT_LEAST_ONE_SEP({
      SEP: T.Comma,
      DEF: () => {
        const leg = this.OR([
          {
            // A function call as a leg (`vimDnsCiscoUmbrella(starttime, ...)`, as ASIM's unifying parsers write them).
            GATE: () => T.tokenMatcher(this.LA(1), T.Name) && this.LA(2).tokenType === T.LParen,
            IGNORE_AMBIGUITIES: true,
            ALT: () => {
              const call = this.SUBRULE(this.primary);
              return this.ACTION((): UnionLeg => ({ kind: 'query', query: { kind: 'pipe', source: call, ops: [], span: call.span }, span: call.span }));
            },
          },
          {
            ALT: () => {
              const open = this.CONSUME(T.LParen);
              const query = this.SUBRULE(this.pipeExpr);
              const close = this.CONSUME(T.RParen);
              return this.ACTION((): UnionLeg => ({ kind: 'query', query, span: span(open, close) }));
            },
          },
          { ALT: () => { const name = this.SUBRULE(this.namePattern); return this.ACTION((): UnionLeg => ({ kind: 'name', name })); } },
        ]);
        this.ACTION(() => legs.push(leg));
      },
    });
    return this.ACTION(() => {
      const last = legs[legs.length - 1]!;
      return { spec: { unionKind, withSource, isFuzzy, hints, legs }, end: last.kind === 'name' ? last.name.span.end : last.span.end };
    });
  });

  // ---- datatable, print, range (issue 27) ----

  private datatableSource = this.RULE('datatableSource', (): Expr => {
    const kw = this.CONSUME(T.Identifier);
    const columns = this.SUBRULE(this.columnDecls);
    this.CONSUME(T.LBracket);
    const values: Expr[] = [];
    // Values separated by commas; Kusto allows a trailing comma after the last one.
    this.OPTION(() => {
      const first = this.SUBRULE(this.expr);
      this.ACTION(() => values.push(first));
      this.MANY({
        GATE: () => this.LA(1).tokenType === T.Comma && this.LA(2).tokenType !== T.RBracket,
        DEF: () => {
          this.CONSUME(T.Comma);
          const v = this.SUBRULE1(this.expr);
          this.ACTION(() => values.push(v));
        },
      });
      this.OPTION1(() => this.CONSUME1(T.Comma));
    });
    const close = this.CONSUME(T.RBracket);
    return this.ACTION((): Expr => ({ kind: 'datatable', columns, values, span: span(kw, close) }));
  });

  /** `Name:type`: a column of a declared schema (datatable, externaldata, an evaluate plugin's output). */
  private columnDecl = this.RULE('columnDecl', (): { name: NameRef; type: NameRef } => {
    const name = this.SUBRULE(this.nameRef);
    this.CONSUME(T.Colon);
    const t = this.OR([{ ALT: () => this.CONSUME(T.Name) }, { ALT: () => this.CONSUME(T.Dynamic) }]);
    return this.ACTION(() => ({ name, type: { name: t.image, span: span(t) } }));
  });

  private columnDecls = this.RULE('columnDecls', (): { name: NameRef; type: NameRef }[] => {
    this.CONSUME(T.LParen);
    const columns: { name: NameRef; type: NameRef }[] = [];
    this.AT_LEAST_ONE_SEP({
      SEP: T.Comma,
      DEF: () => {
        const c = this.SUBRULE(this.columnDecl);
        this.ACTION(() => columns.push(c));
      },
    });
    this.CONSUME(T.RParen);
    return columns;
  });

  /** `: ([*,] Name:type, ...)` after an evaluate plugin call (bag_unpack's and pivot's OutputSchema). */
  private outputSchemaDecl = this.RULE('outputSchemaDecl', (): OutputSchemaDecl => {
    const colon = this.CONSUME(T.Colon);
    this.CONSUME(T.LParen);
    let wildcard = false;
    const columns: { name: NameRef; type: NameRef }[] = [];
    this.OPTION(() => {
      this.CONSUME(T.Star);
      wildcard = true;
      this.OPTION1(() => this.CONSUME(T.Comma));
    });
    this.MANY_SEP({
      SEP: T.Comma,
      DEF: () => {
        const c = this.SUBRULE(this.columnDecl);
        this.ACTION(() => columns.push(c));
      },
    });
    const close = this.CONSUME(T.RParen);
    return this.ACTION((): OutputSchemaDecl => ({ wildcard, columns, span: span(colon, close) }));
  });

  private externalDataSource = this.RULE('externalDataSource', (): Expr => {
    const kw = this.CONSUME(T.Identifier);
    const columns = this.SUBRULE(this.columnDecls);
    this.CONSUME(T.LBracket);
    const urls: { url: string; span: Span }[] = [];
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => { const u = this.CONSUME(T.StringLit); this.ACTION(() => urls.push({ url: decodeStringToken(u.image), span: span(u) })); } });
    const close = this.CONSUME(T.RBracket);
    const withClause = this.SUBRULE(this.withProperties);
    return this.ACTION((): Expr => ({ kind: 'externaldata', columns, urls, properties: withClause?.properties ?? [], span: { start: kw.startOffset, end: withClause?.end ?? tokenEnd(close) } }));
  });

  /** An optional `with (name = value, ...)` of constants (externaldata, parse-kv). */
  private withProperties = this.RULE('withProperties', (): { properties: WithProperty[]; end: number } | undefined => {
    let result: { properties: WithProperty[]; end: number } | undefined;
    this.OPTION({
      GATE: () => this.LA(1).image === 'with' && this.LA(2).tokenType === T.LParen,
      DEF: () => {
        const properties: WithProperty[] = [];
        this.CONSUME1(T.Identifier);
        this.CONSUME1(T.LParen);
        this.MANY_SEP({
          SEP: T.Comma,
          DEF: () => {
            const name = this.SUBRULE(this.nameRef);
            this.CONSUME(T.Assign);
            const v = this.CONSUME(T.AnyToken);
            this.ACTION(() => {
              const value = v.tokenType === T.StringLit ? decodeStringToken(v.image) : v.tokenType === T.True ? true : v.tokenType === T.False ? false : v.tokenType === T.LongLit ? Number(v.image) : v.image;
              properties.push({ name, value, span: { start: name.span.start, end: tokenEnd(v) } });
            });
          },
        });
        const close = this.CONSUME1(T.RParen);
        this.ACTION(() => { result = { properties, end: tokenEnd(close) }; });
      },
    });
    return result;
  });

  /** Levels of top-nested, each written with its own `top-nested` keyword, separated by commas. */
  private topNestedOp = this.RULE('topNestedOp', (): TabularOp => {
    const levels: TopNestedLevel[] = [];
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => { const l = this.SUBRULE(this.topNestedLevel); this.ACTION(() => levels.push(l)); } });
    return this.ACTION((): TabularOp => ({ op: 'top-nested', levels, span: { start: levels[0]!.span.start, end: levels[levels.length - 1]!.span.end } }));
  });

  private topNestedLevel = this.RULE('topNestedLevel', (): TopNestedLevel => {
    const kw = this.CONSUME(T.OtherHyphenOp);
    const word = (expected: string, t: IToken) => this.ACTION(() => {
      if (kw.image !== 'top-nested' || t.image !== expected) this.problems.push({ kind: 'syntax', message: `expected '${expected}' in top-nested [N] of [Name =] Expr [with others = V] by [Name =] Aggregate [asc|desc], found '${t.image}'`, span: span(t) });
    });
    let count: Expr | undefined;
    this.OPTION({ GATE: () => this.LA(1).image !== 'of', DEF: () => { count = this.SUBRULE(this.expr); } });
    word('of', this.CONSUME(T.Name));
    const of = this.SUBRULE(this.assignment);
    let others: Expr | undefined;
    this.OPTION1({
      GATE: () => this.LA(1).image === 'with',
      DEF: () => {
        this.CONSUME1(T.Identifier);
        word('others', this.CONSUME1(T.Name));
        this.CONSUME(T.Assign);
        others = this.SUBRULE1(this.expr);
      },
    });
    this.CONSUME(T.By);
    const aggregate = this.SUBRULE1(this.assignment);
    let direction: 'asc' | 'desc' | undefined;
    let end: number | undefined;
    this.OPTION2(() => {
      const d = this.OR([{ ALT: () => this.CONSUME(T.Asc) }, { ALT: () => this.CONSUME(T.Desc) }]);
      this.ACTION(() => { direction = d.tokenType === T.Asc ? 'asc' : 'desc'; end = tokenEnd(d); });
    });
    return this.ACTION((): TopNestedLevel => ({ count, of, others, aggregate, direction, span: { start: kw.startOffset, end: end ?? aggregate.span.end } }));
  });

  /** `parse-kv Expr as (Key:type, ...) [with (pair_delimiter=..., kv_delimiter=..., quote=..., escape=..., greedy=..., regex=...)]`. */
  private parseKvOp = this.RULE('parseKvOp', (): TabularOp => {
    const kw = this.CONSUME(T.OtherHyphenOp);
    const e = this.SUBRULE(this.expr);
    const as = this.CONSUME(T.Name);
    this.ACTION(() => {
      if (as.image !== 'as') this.problems.push({ kind: 'syntax', message: `expected 'as' in parse-kv Expr as (Key:type, ...) [with (...)], found '${as.image}'`, span: span(as) });
    });
    const columns = this.SUBRULE(this.columnDecls);
    const withClause = this.SUBRULE(this.withProperties);
    return this.ACTION((): TabularOp => ({ op: 'parse-kv', expr: e, columns, properties: withClause?.properties ?? [], span: { start: kw.startOffset, end: withClause?.end ?? e.span.end } }));
  });

  private printSource = this.RULE('printSource', (): Expr => {
    const kw = this.CONSUME(T.Identifier);
    const items = this.SUBRULE(this.assignments);
    return this.ACTION((): Expr => ({ kind: 'print', items, span: { start: kw.startOffset, end: endOf(items, kw) } }));
  });

  private rangeSource = this.RULE('rangeSource', (): Expr => {
    const kw = this.CONSUME(T.Identifier);
    const name = this.SUBRULE(this.nameRef);
    this.CONSUME1(T.Identifier); // from (checked by the gate)
    const from = this.SUBRULE(this.expr);
    const to = this.CONSUME2(T.Name);
    const toValue = this.SUBRULE1(this.expr);
    const stepWord = this.CONSUME3(T.Name);
    const step = this.SUBRULE2(this.expr);
    this.ACTION(() => {
      for (const [t, word] of [[to, 'to'], [stepWord, 'step']] as const) {
        if (t.image !== word) this.problems.push({ kind: 'syntax', message: `expected '${word}' in range Name from A to B step S, found '${t.image}'`, span: span(t) });
      }
    });
    return this.ACTION((): Expr => ({ kind: 'range', name, from, to: toValue, step, span: { start: kw.startOffset, end: step.span.end } }));
  });

  // ---- make-series (issue 27) ----

  private makeSeriesOp = this.RULE('makeSeriesOp', (): TabularOp => {
    const kw = this.CONSUME(T.OtherHyphenOp);
    let kind: NameRef | undefined;
    this.MANY({
      GATE: () => this.LA(1).image === 'kind' && this.LA(2).tokenType === T.Assign,
      DEF: () => {
        this.CONSUME(T.Name);
        this.CONSUME(T.Assign);
        const v = this.SUBRULE(this.nameRef);
        this.ACTION(() => { kind = v; });
      },
    });
    const aggregates: { item: Assignment; default?: Expr }[] = [];
    this.AT_LEAST_ONE_SEP({
      SEP: T.Comma,
      DEF: () => {
        const item = this.SUBRULE(this.assignment);
        let dflt: Expr | undefined;
        this.OPTION({
          GATE: () => this.LA(1).image === 'default' && this.LA(2).tokenType === T.Assign,
          DEF: () => {
            this.CONSUME1(T.Name);
            this.CONSUME1(T.Assign);
            dflt = this.SUBRULE(this.expr);
          },
        });
        this.ACTION(() => aggregates.push({ item, default: dflt }));
      },
    });
    const word = (expected: string, t: IToken) => this.ACTION(() => {
      if (t.image !== expected) this.problems.push({ kind: 'syntax', message: `expected '${expected}' in make-series ... on Axis [from A] [to B] step S, found '${t.image}'`, span: span(t) });
    });
    word('on', this.CONSUME2(T.Name));
    let axis!: Expr;
    let from: Expr | undefined;
    let to: Expr | undefined;
    let step!: Expr;
    let inRange = false;
    this.OR([
      {
        // `on Axis in range(Start, Stop, Step)`: the axis is read below `in`, which would otherwise take it.
        GATE: () => this.LA(2).image === 'in' && this.LA(3).image === 'range' && this.LA(4).tokenType === T.LParen,
        ALT: () => {
          axis = this.SUBRULE(this.addExpr);
          this.CONSUME(T.In);
          this.CONSUME6(T.Name);
          this.CONSUME(T.LParen);
          from = this.SUBRULE5(this.expr);
          this.CONSUME(T.Comma);
          to = this.SUBRULE6(this.expr);
          this.CONSUME1(T.Comma);
          step = this.SUBRULE7(this.expr);
          this.CONSUME(T.RParen);
          inRange = true;
        },
      },
      {
        ALT: () => {
          axis = this.SUBRULE1(this.expr);
          this.OPTION1({ GATE: () => this.LA(1).image === 'from', DEF: () => { this.CONSUME3(T.Name); from = this.SUBRULE2(this.expr); } });
          this.OPTION2({ GATE: () => this.LA(1).image === 'to', DEF: () => { this.CONSUME4(T.Name); to = this.SUBRULE3(this.expr); } });
          word('step', this.CONSUME5(T.Name));
          step = this.SUBRULE4(this.expr);
        },
      },
    ]);
    let by: Assignment[] = [];
    this.OPTION3(() => {
      this.CONSUME(T.By);
      by = this.SUBRULE(this.assignments);
    });
    return this.ACTION(() => ({ op: 'make-series' as const, kind, aggregates, axis, from, to, step, ...(inRange ? { inRange: true as const } : {}), by, span: { start: kw.startOffset, end: endOf(by.length ? by : [step], kw) } }));
  });

  // ---- serialize (issue 27) ----

  private serializeOp = this.RULE('serializeOp', (): TabularOp => {
    const kw = this.CONSUME(T.Identifier);
    let items: Assignment[] = [];
    this.OPTION({
      GATE: () => this.LA(1).tokenType !== T.Pipe && this.LA(1).tokenType !== T.RParen && this.LA(1).tokenType !== EOF,
      DEF: () => { items = this.SUBRULE(this.assignments); },
    });
    return this.ACTION(() => ({ op: 'serialize' as const, items, span: { start: kw.startOffset, end: endOf(items, kw) } }));
  });

  // ---- as (issue 27) ----

  /** `as [hint.materialized=true] Name` */
  private asOp = this.RULE('asOp', (): TabularOp => {
    const kw = this.CONSUME(T.Identifier);
    const hints: string[] = [];
    this.MANY({
      GATE: () => this.LA(1).image === 'hint' && this.LA(2).tokenType === T.Dot,
      DEF: () => {
        this.CONSUME(T.Name);
        this.CONSUME(T.Dot);
        const h = this.CONSUME1(T.Name);
        this.CONSUME(T.Assign);
        const v = this.CONSUME(T.AnyToken);
        this.ACTION(() => hints.push(`hint.${h.image}=${v.image}`));
      },
    });
    const name = this.SUBRULE(this.nameRef);
    return this.ACTION(() => ({ op: 'as' as const, name, hints, span: { start: kw.startOffset, end: name.span.end } }));
  });

  // ---- parse, parse-where (issue 27) ----

  /** `parse[-where] [kind=simple|regex|relaxed] [flags=F] Expr with [*] "text" Column[:type] [*] ...` */
  private parseOp = this.RULE('parseOp', (): TabularOp => {
    const kw = this.OR([{ ALT: () => this.CONSUME(T.Identifier) }, { ALT: () => this.CONSUME(T.OtherHyphenOp) }]);
    let kind: NameRef | undefined;
    let flags: NameRef | undefined;
    this.MANY({
      GATE: () => (this.LA(1).image === 'kind' || this.LA(1).image === 'flags') && this.LA(2).tokenType === T.Assign,
      DEF: () => {
        const option = this.CONSUME(T.Name);
        this.CONSUME(T.Assign);
        const value = this.SUBRULE(this.nameRef);
        this.ACTION(() => {
          if (option.image === 'kind') kind = value;
          else flags = value;
        });
      },
    });
    const expr = this.SUBRULE(this.expr);
    const w = this.CONSUME1(T.Name);
    this.ACTION(() => {
      if (w.image !== 'with') this.problems.push({ kind: 'syntax', message: `expected 'with' and the pattern after the parsed expression, found '${w.image}'`, span: span(w) });
    });
    const pattern: ParsePatternItem[] = [];
    this.AT_LEAST_ONE(() => {
      const item = this.OR1([
        { ALT: () => { const t = this.CONSUME(T.Star); return this.ACTION((): ParsePatternItem => ({ kind: 'star', span: span(t) })); } },
        { ALT: () => { const t = this.CONSUME(T.StringLit); return this.ACTION((): ParsePatternItem => ({ kind: 'text', text: decodeStringToken(t.image), span: span(t) })); } },
        {
          ALT: () => {
            const name = this.SUBRULE1(this.nameRef);
            let type: NameRef | undefined;
            this.OPTION(() => {
              this.CONSUME(T.Colon);
              const t = this.OR2([{ ALT: () => this.CONSUME2(T.Name) }, { ALT: () => this.CONSUME(T.Dynamic) }]);
              this.ACTION(() => { type = { name: t.image, span: span(t) }; });
            });
            return this.ACTION((): ParsePatternItem => ({ kind: 'column', name, type, span: { start: name.span.start, end: type ? type.span.end : name.span.end } }));
          },
        },
      ]);
      this.ACTION(() => pattern.push(item));
    });
    return this.ACTION(() => ({
      op: kw.image === 'parse-where' ? ('parse-where' as const) : ('parse' as const),
      kind,
      flags,
      expr,
      pattern,
      span: { start: kw.startOffset, end: pattern[pattern.length - 1]!.span.end },
    }));
  });

  /** `join [kind=K] [hint.x=y] (Right | ...) on Key, $left.A == $right.B` */
  private joinOp = this.RULE('joinOp', (): TabularOp => {
    const kw = this.OR2([{ ALT: () => this.CONSUME(T.Join) }, { ALT: () => this.CONSUME(T.Identifier) }]); // join, or lookup (gated in tabularOp)
    let kind: NameRef | undefined;
    const hints: string[] = [];
    this.MANY({
      GATE: () => (this.LA(1).image === 'kind' && this.LA(2).tokenType === T.Assign) || (this.LA(1).image === 'hint' && this.LA(2).tokenType === T.Dot),
      DEF: () => {
        const { option, hint, value: token } = this.SUBRULE(this.operatorOption);
        this.ACTION(() => {
          const value = { name: token.image, span: span(token) };
          if (hint) hints.push(`hint.${hint.image}=${token.image}`);
          else if (option.image === 'kind') kind = value;
        });
      },
    });
    let right!: PipeExpr;
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          right = this.SUBRULE(this.pipeExpr);
          this.CONSUME(T.RParen);
        },
      },
      {
        ALT: () => {
          const n = this.SUBRULE1(this.nameRef);
          right = this.ACTION(() => ({ kind: 'pipe' as const, source: { kind: 'name' as const, name: n.name, span: n.span }, ops: [], span: n.span }));
        },
      },
    ]);
    const on = this.CONSUME2(T.Name);
    this.ACTION(() => {
      if (on.image !== 'on') this.problems.push({ kind: 'syntax', message: `expected 'on' and the join keys, found '${on.image}'`, span: span(on) });
    });
    const keys: Expr[] = [];
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => { const k = this.SUBRULE(this.expr); this.ACTION(() => keys.push(k)); } });
    return this.ACTION(() => ({ op: 'join' as const, kind, lookup: kw.tokenType !== T.Join, hints, right, keys, span: { start: kw.startOffset, end: keys[keys.length - 1]!.span.end } }));
  });

  /** `mv-expand [kind=bag|array] [with_itemindex=Name] [Name =] Expr [to typeof(T)], ... [limit N]` */
  private mvExpand = this.RULE('mvExpand', (): TabularOp => {
    // mv-apply (issue 27) shares mv-expand's options and items, then takes `on (subquery)`.
    const kw = this.OR([{ ALT: () => this.CONSUME(T.MvExpand) }, { ALT: () => this.CONSUME(T.MvExpandLegacy) }, { ALT: () => this.CONSUME(T.OtherHyphenOp) }]);
    let kind: 'bag' | 'array' | undefined;
    let itemIndex: NameRef | undefined;
    this.MANY({
      GATE: () => ['kind', 'bagexpansion', 'with_itemindex'].includes(this.LA(1).image) && this.LA(2).tokenType === T.Assign,
      DEF: () => {
        const option = this.CONSUME(T.Identifier);
        this.CONSUME(T.Assign);
        const value = this.SUBRULE(this.nameRef);
        this.ACTION(() => {
          if (option.image === 'with_itemindex') itemIndex = value;
          else if (value.name === 'bag' || value.name === 'array') kind = value.name;
          else this.problems.push({ kind: 'syntax', message: `${option.image} must be bag or array, not '${value.name}'`, span: value.span });
        });
      },
    });
    const items: MvExpandItem[] = [];
    this.AT_LEAST_ONE_SEP({
      SEP: T.Comma,
      DEF: () => {
        let name: NameRef | undefined;
        this.OPTION({
          GATE: () => (this.LA(1).tokenType === T.LBracket ? this.LA(4) : this.LA(2)).tokenType === T.Assign,
          DEF: () => {
            name = this.SUBRULE1(this.nameRef);
            this.CONSUME1(T.Assign);
          },
        });
        const expr = this.SUBRULE(this.expr);
        let toType: NameRef | undefined;
        let close: IToken | undefined;
        this.OPTION1({
          GATE: () => this.LA(1).image === 'to' && this.LA(2).image === 'typeof',
          DEF: () => {
            this.CONSUME1(T.Identifier);
            this.CONSUME2(T.Identifier);
            this.CONSUME(T.LParen);
            const t = this.SUBRULE2(this.nameRef);
            const paren = this.CONSUME(T.RParen);
            this.ACTION(() => {
              toType = t;
              close = paren;
            });
          },
        });
        this.ACTION(() => items.push({ name: name?.name, nameSpan: name?.span, expr, toType, span: { start: name?.span.start ?? expr.span.start, end: close ? tokenEnd(close) : expr.span.end } }));
      },
    });
    let limit: Expr | undefined;
    this.OPTION2(() => {
      this.CONSUME(T.Limit);
      limit = this.SUBRULE1(this.expr);
    });
    const apply = kw.tokenType === T.OtherHyphenOp ? this.SUBRULE(this.mvApplySubquery) : undefined;
    return this.ACTION(() => {
      const expand = {
        op: 'mv-expand' as const,
        legacy: kw.tokenType === T.MvExpandLegacy,
        kind,
        itemIndex,
        items,
        limit,
        span: { start: kw.startOffset, end: limit ? limit.span.end : items[items.length - 1]!.span.end },
      };
      return apply ? { op: 'mv-apply' as const, expand, ops: apply.ops, span: { start: kw.startOffset, end: apply.end } } : expand;
    });
  });

  /** `on (op | op ...)`: mv-apply's subquery, a pipe without a source. */
  private mvApplySubquery = this.RULE('mvApplySubquery', (): { ops: TabularOp[]; end: number } => {
    const on = this.CONSUME(T.Name);
    this.ACTION(() => {
      if (on.image !== 'on') this.problems.push({ kind: 'syntax', message: `expected 'on (subquery)' after the mv-apply items, found '${on.image}'`, span: span(on) });
    });
    this.CONSUME(T.LParen);
    const ops: TabularOp[] = [];
    this.AT_LEAST_ONE_SEP({ SEP: T.Pipe, DEF: () => { const op = this.SUBRULE(this.tabularOp); this.ACTION(() => ops.push(op)); } });
    const close = this.CONSUME(T.RParen);
    return this.ACTION(() => ({ ops, end: tokenEnd(close) }));
  });

  private assignments = this.RULE('assignments', (): Assignment[] => {
    const items: Assignment[] = [];
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => { const a = this.SUBRULE(this.assignment); this.ACTION(() => items.push(a)); } });
    return items;
  });

  private assignment = this.RULE('assignment', (): Assignment => {
    // `Name = expr` vs `expr`: decided by a gate, which keeps grammar analysis cheap (LL(4) lookahead
    // through the whole expression grammar costs seconds at start-up).
    return this.OR((this.assignmentAlts ??= {
      IGNORE_AMBIGUITIES: true,
      DEF: [
      {
        GATE: () => (this.LA(1).tokenType === T.LBracket ? this.LA(4) : this.LA(2)).tokenType === T.Assign,
        ALT: () => {
          const name = this.SUBRULE(this.nameRef);
          this.CONSUME(T.Assign);
          const expr = this.SUBRULE(this.expr);
          return this.ACTION(() => ({ name: name.name, nameSpan: name.span, expr, span: { start: name.span.start, end: expr.span.end } }));
        },
      },
      {
        GATE: () => this.LA(1).tokenType === T.LParen && this.LA(3).tokenType === T.Comma,
        ALT: () => {
          const open = this.CONSUME(T.LParen);
          const tuple: NameRef[] = [];
          this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => { const n = this.SUBRULE1(this.nameRef); this.ACTION(() => tuple.push(n)); } });
          this.CONSUME(T.RParen);
          this.CONSUME1(T.Assign);
          const expr = this.SUBRULE2(this.expr);
          return this.ACTION(() => ({ tuple, expr, span: { start: open.startOffset, end: expr.span.end } }));
        },
      },
      {
        ALT: () => {
          const expr = this.SUBRULE1(this.expr);
          return this.ACTION(() => ({ expr, span: expr.span }));
        },
      },
    ]}));
  });

  /** A column name: plain, or bracketed `['My Column']`. */
  private nameRef = this.RULE('nameRef', (): NameRef => {
    return this.OR((this.nameRefAlts ??= [
      {
        ALT: () => {
          const t = this.CONSUME(T.Name);
          return this.ACTION(() => ({ name: t.image, span: span(t) }));
        },
      },
      {
        ALT: () => {
          const open = this.CONSUME(T.LBracket);
          const s = this.CONSUME(T.StringLit);
          const close = this.CONSUME(T.RBracket);
          return this.ACTION(() => ({ name: decodeStringToken(s.image), span: span(open, close) }));
        },
      },
    ]));
  });

  /** Column names, with `*` wildcards allowed (`project-away TargetResource*`). */
  private nameList = this.RULE('nameList', (): NameRef[] => {
    const names: NameRef[] = [];
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => { const n = this.SUBRULE(this.namePattern); this.ACTION(() => names.push(n)); } });
    return names;
  });

  private namePattern = this.RULE('namePattern', (): NameRef => {
    const parts: IToken[] = [];
    let bracketed: NameRef | undefined;
    this.OR([
      { ALT: () => { bracketed = this.SUBRULE(this.nameRef); } },
      { ALT: () => { const t = this.CONSUME(T.Star); this.ACTION(() => parts.push(t)); } },
    ]);
    // Further name pieces and stars, only when adjacent (no space): `Target*`, `*_s`, `a*b`.
    this.MANY({
      GATE: () => {
        const prev = this.LA(0);
        const next = this.LA(1);
        return (next.tokenType === T.Star || T.tokenMatcher(next, T.Name) || next.tokenType === T.LongLit) && next.startOffset === tokenEnd(prev);
      },
      DEF: () => {
        const t = this.OR1([{ ALT: () => this.CONSUME1(T.Star) }, { ALT: () => this.CONSUME(T.Name) }, { ALT: () => this.CONSUME(T.LongLit) }]);
        this.ACTION(() => parts.push(t));
      },
    });
    return this.ACTION(() => {
      const first = bracketed ?? { name: '', span: span(parts[0]!) };
      const rest = bracketed ? parts : parts;
      const name = (bracketed ? bracketed.name : '') + rest.map((t) => t.image).join('');
      const end = rest.length ? tokenEnd(rest[rest.length - 1]!) : first.span.end;
      return { name, span: { start: first.span.start, end } };
    });
  });

  private sortKeys = this.RULE('sortKeys', (): SortKey[] => {
    const keys: SortKey[] = [];
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => { const k = this.SUBRULE(this.sortKey); this.ACTION(() => keys.push(k)); } });
    return keys;
  });

  private sortKey = this.RULE('sortKey', (): SortKey => {
    const expr = this.SUBRULE(this.expr);
    let direction: 'asc' | 'desc' | undefined;
    let nulls: 'first' | 'last' | undefined;
    let last: IToken | undefined;
    this.OPTION(() => {
      const d = this.OR([{ ALT: () => this.CONSUME(T.Asc) }, { ALT: () => this.CONSUME(T.Desc) }]);
      this.ACTION(() => { direction = d.tokenType === T.Asc ? 'asc' : 'desc'; last = d; });
    });
    this.OPTION1(() => {
      this.CONSUME(T.Nulls);
      const n = this.OR1([{ ALT: () => this.CONSUME(T.First) }, { ALT: () => this.CONSUME(T.Last) }]);
      this.ACTION(() => { nulls = n.tokenType === T.First ? 'first' : 'last'; last = n; });
    });
    return this.ACTION(() => ({ expr, direction, nulls, span: { start: expr.span.start, end: last ? tokenEnd(last) : expr.span.end } }));
  });

  private expr = this.RULE('expr', (): Expr => {
    let left = this.SUBRULE(this.andExpr);
    this.MANY(() => {
      const op = this.CONSUME(T.Or);
      const right = this.SUBRULE1(this.andExpr);
      this.ACTION(() => { left = { kind: 'binary', op: 'or', opSpan: span(op), left, right, span: join(left, right) }; });
    });
    return left;
  });

  private andExpr = this.RULE('andExpr', (): Expr => {
    let left = this.SUBRULE(this.relExpr);
    this.MANY(() => {
      const op = this.CONSUME(T.And);
      const right = this.SUBRULE1(this.relExpr);
      this.ACTION(() => { left = { kind: 'binary', op: 'and', opSpan: span(op), left, right, span: join(left, right) }; });
    });
    return left;
  });

  private relExpr = this.RULE('relExpr', (): Expr => {
    const left = this.SUBRULE(this.addExpr);
    const tail = this.OPTION(() => this.OR((this.relationAlts ??= [
      {
        ALT: () => {
          const op = this.CONSUME(T.CompareOp);
          const right = this.SUBRULE1(this.addExpr);
          // `containscs` is the older spelling of contains_cs.
          return this.ACTION(() => ({ op: op.tokenType === T.NotEq ? '!=' : op.tokenType === T.GtEq ? '>=' : op.image === 'containscs' ? 'contains_cs' : op.image, opSpan: span(op), right, end: right.span.end }));
        },
      },
      {
        ALT: () => {
          const op = this.CONSUME(T.ListOp);
          const list = this.SUBRULE(this.list);
          return this.ACTION(() => ({ op: op.image, opSpan: span(op), right: list.items, end: list.end }));
        },
      },
      {
        ALT: () => {
          const op = this.CONSUME(T.BetweenOp);
          this.CONSUME(T.LParen);
          const low = this.SUBRULE2(this.addExpr);
          this.CONSUME(T.DotDot);
          const high = this.SUBRULE3(this.addExpr);
          const close = this.CONSUME(T.RParen);
          return this.ACTION(() => {
            const wrap = (e: Expr): PipeExpr => ({ kind: 'pipe', source: e, ops: [], span: e.span });
            return { op: op.image, opSpan: span(op), right: [wrap(low), wrap(high)], end: tokenEnd(close) };
          });
        },
      },
      {
        ALT: () => {
          const m = this.CONSUME(T.Matches);
          const r = this.CONSUME(T.Regex);
          const right = this.SUBRULE4(this.addExpr);
          return this.ACTION(() => ({ op: 'matches regex', opSpan: span(m, r), right, end: right.span.end }));
        },
      },
    ])));
    return this.ACTION((): Expr => (tail ? { kind: 'binary', op: tail.op, opSpan: tail.opSpan, left, right: tail.right, span: { start: left.span.start, end: tail.end } } : left));
  });

  private list = this.RULE('list', (): { items: PipeExpr[]; end: number } => {
    this.CONSUME(T.LParen);
    const items: PipeExpr[] = [];
    this.MANY_SEP({ SEP: T.Comma, DEF: () => { const e = this.SUBRULE(this.pipeExpr); this.ACTION(() => items.push(e)); } });
    const close = this.CONSUME(T.RParen);
    return this.ACTION(() => ({ items, end: tokenEnd(close) }));
  });

  private addExpr = this.RULE('addExpr', (): Expr => {
    let left = this.SUBRULE(this.mulExpr);
    this.MANY(() => {
      const op = this.CONSUME(T.AddOp);
      const right = this.SUBRULE1(this.mulExpr);
      this.ACTION(() => { left = { kind: 'binary', op: op.image, opSpan: span(op), left, right, span: join(left, right) }; });
    });
    return left;
  });

  private mulExpr = this.RULE('mulExpr', (): Expr => {
    let left = this.SUBRULE(this.unaryExpr);
    this.MANY(() => {
      const op = this.CONSUME(T.MulOp);
      const right = this.SUBRULE1(this.unaryExpr);
      this.ACTION(() => { left = { kind: 'binary', op: op.image, opSpan: span(op), left, right, span: join(left, right) }; });
    });
    return left;
  });

  private unaryExpr = this.RULE('unaryExpr', (): Expr => {
    return this.OR((this.unaryAlts ??= [
      {
        ALT: () => {
          const op = this.CONSUME(T.AddOp);
          const operand = this.SUBRULE(this.unaryExpr);
          return this.ACTION(() => ({ kind: 'unary' as const, op: op.image as '-' | '+', operand, span: { start: op.startOffset, end: operand.span.end } }));
        },
      },
      { ALT: () => this.SUBRULE(this.postfixExpr) },
    ]));
  });

  private postfixExpr = this.RULE('postfixExpr', (): Expr => {
    let target = this.SUBRULE(this.primary);
    this.MANY(() => {
      const suffix = this.OR((this.suffixAlts ??= [
        {
          // `x.[0]`, `x.[i]` (issue 27): an index written after a dot (`x.['key']` is a member, below).
          GATE: () => this.LA(2).tokenType === T.LBracket && this.LA(3).tokenType !== T.StringLit,
          ALT: () => {
            this.CONSUME1(T.Dot);
            this.CONSUME1(T.LBracket);
            const index = this.SUBRULE1(this.expr);
            const close = this.CONSUME1(T.RBracket);
            return this.ACTION((): Suffix => ({ kind: 'index', index, close }));
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Dot);
            const name = this.SUBRULE(this.nameRef);
            return this.ACTION((): Suffix => ({ kind: 'member', name }));
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.LBracket);
            const index = this.SUBRULE(this.expr);
            const close = this.CONSUME(T.RBracket);
            return this.ACTION((): Suffix => ({ kind: 'index', index, close }));
          },
        },
      ]));
      this.ACTION(() => {
        target =
          suffix.kind === 'member'
            ? { kind: 'member', target, name: suffix.name.name, nameSpan: suffix.name.span, span: { start: target.span.start, end: suffix.name.span.end } }
            : { kind: 'index', target, index: suffix.index, span: { start: target.span.start, end: tokenEnd(suffix.close) } };
      });
    });
    return target;
  });

  private primary = this.RULE('primary', (): Expr => {
    return this.OR<Expr>((this.primaryAlts ??= [
      {
        ALT: () => {
          // Adjacent string literals concatenate.
          const toks: IToken[] = [];
          this.AT_LEAST_ONE(() => { const t = this.CONSUME(T.StringLit); this.ACTION(() => toks.push(t)); });
          return this.ACTION(() => lit({ type: 'string', value: toks.map((t) => decodeStringToken(t.image)).join('') }, span(toks[0]!, toks[toks.length - 1]!)));
        },
      },
      { ALT: () => { const t = this.CONSUME(T.LongLit); return this.ACTION(() => lit({ type: 'long', value: Number(t.image) }, span(t))); } },
      { ALT: () => { const t = this.CONSUME(T.RealLit); return this.ACTION(() => lit({ type: 'real', value: Number(t.image) }, span(t))); } },
      { ALT: () => { const t = this.CONSUME(T.TimespanLit); return this.ACTION(() => lit({ type: 'timespan', value: decodeTimespan(t.image) }, span(t))); } },
      {
        ALT: () => {
          const t = this.CONSUME(T.DatetimeLit);
          return this.ACTION(() => {
            const value = decodeDatetime(t.image);
            if (value === undefined) this.problems.push({ kind: 'literal', message: `'${t.image}' is not a valid datetime literal (use ISO 8601, e.g. datetime(2025-01-31T12:00:00Z))`, span: span(t) });
            return lit({ type: 'datetime', value: value ?? null }, span(t));
          });
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(T.GuidLit);
          return this.ACTION(() => {
            const value = decodeGuid(t.image);
            if (value === undefined) this.problems.push({ kind: 'literal', message: `'${t.image}' is not a valid guid literal (write 32 hex digits in groups of 8-4-4-4-12, e.g. guid(74be27de-1e4e-49d9-b579-fe0b331d3642))`, span: span(t) });
            return lit({ type: 'guid', value: value ?? null }, span(t));
          });
        },
      },
      { ALT: () => { const t = this.CONSUME(T.True); return this.ACTION(() => lit({ type: 'bool', value: true }, span(t))); } },
      { ALT: () => { const t = this.CONSUME(T.False); return this.ACTION(() => lit({ type: 'bool', value: false }, span(t))); } },
      {
        ALT: () => {
          const kw = this.CONSUME(T.Dynamic);
          this.CONSUME(T.LParen);
          const value = this.SUBRULE(this.dynamicValue);
          const close = this.CONSUME(T.RParen);
          return this.ACTION(() => lit({ type: 'dynamic', value }, span(kw, close)));
        },
      },
      {
        ALT: () => {
          const name = this.CONSUME(T.Name);
          let call: { args: PipeExpr[]; argNames: (NameRef | undefined)[]; close: IToken } | undefined;
          this.OPTION(() => {
            this.CONSUME1(T.LParen);
            const args: PipeExpr[] = [];
            const argNames: (NameRef | undefined)[] = [];
            this.MANY_SEP({ SEP: T.Comma, DEF: () => {
              const argName = this.SUBRULE(this.argumentName);
              const a = this.SUBRULE(this.pipeExpr);
              this.ACTION(() => { args.push(a); argNames.push(argName); });
            } });
            const close = this.CONSUME1(T.RParen);
            this.ACTION(() => { call = { args, argNames, close }; });
          });
          return this.ACTION((): Expr =>
            call
              ? { kind: 'call', name: name.image, nameSpan: span(name), args: call.args, ...(call.argNames.some(Boolean) ? { argNames: call.argNames } : {}), span: span(name, call.close) }
              : { kind: 'name', name: name.image, span: span(name) },
          );
        },
      },
      {
        ALT: () => {
          const open = this.CONSUME(T.LBracket);
          const s = this.CONSUME1(T.StringLit);
          const close = this.CONSUME(T.RBracket);
          return this.ACTION(() => ({ kind: 'name' as const, name: decodeStringToken(s.image), span: span(open, close) }));
        },
      },
      {
        ALT: () => {
          const open = this.CONSUME2(T.LParen);
          const inner = this.SUBRULE1(this.pipeExpr);
          const close = this.CONSUME2(T.RParen);
          return this.ACTION(() => ({ kind: 'paren' as const, inner, span: span(open, close) }));
        },
      },
      { ALT: () => { const t = this.CONSUME(T.Star); return this.ACTION(() => ({ kind: 'star' as const, span: span(t) })); } },
    ]));
  });

  /** `name =` before a named argument of a function call (`f(x, name=value)`); undefined when positional. */
  private argumentName = this.RULE('argumentName', (): NameRef | undefined => {
    let out: NameRef | undefined;
    this.OPTION({
      GATE: () => this.LA(2).tokenType === T.Assign,
      DEF: () => {
        const n = this.CONSUME(T.Name);
        this.CONSUME(T.Assign);
        this.ACTION(() => { out = { name: n.image, span: span(n) }; });
      },
    });
    return out;
  });

  private dynamicValue = this.RULE('dynamicValue', (): unknown => {
    return this.OR<unknown>((this.dynamicAlts ??= [
      {
        ALT: () => {
          this.CONSUME(T.LBracket);
          const items: unknown[] = [];
          this.MANY_SEP({ SEP: T.Comma, DEF: () => { const v = this.SUBRULE(this.dynamicValue); this.ACTION(() => items.push(v)); } });
          this.CONSUME(T.RBracket);
          return items;
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.LBrace);
          const obj: Record<string, unknown> = Object.create(null);
          this.MANY_SEP1({
            SEP: T.Comma,
            DEF: () => {
              const key = this.OR1([{ ALT: () => this.CONSUME(T.StringLit) }, { ALT: () => this.CONSUME(T.Name) }]);
              this.CONSUME(T.Colon);
              const v = this.SUBRULE1(this.dynamicValue);
              this.ACTION(() => { obj[key.tokenType === T.StringLit ? decodeStringToken(key.image) : key.image] = v; });
            },
          });
          this.CONSUME(T.RBrace);
          return this.ACTION(() => ({ ...obj }));
        },
      },
      { ALT: () => { const t = this.CONSUME1(T.StringLit); return this.ACTION(() => decodeStringToken(t.image)); } },
      {
        ALT: () => {
          let sign = 1;
          this.OPTION(() => { this.CONSUME(T.Minus); sign = -1; });
          const t = this.OR2([{ ALT: () => this.CONSUME(T.LongLit) }, { ALT: () => this.CONSUME(T.RealLit) }]);
          return this.ACTION(() => sign * Number(t.image));
        },
      },
      { ALT: () => { this.CONSUME(T.True); return true; } },
      { ALT: () => { this.CONSUME(T.False); return false; } },
      {
        ALT: () => {
          const t = this.CONSUME1(T.Name);
          return this.ACTION(() => {
            if (t.image !== 'null') this.problems.push({ kind: 'syntax', message: `unexpected '${t.image}' in dynamic(...): expected a value, or null`, span: span(t) });
            return null;
          });
        },
      },
    ]));
  });

  /** Problems found by actions (bad literals), in addition to chevrotain's errors. */
  problems: SyntaxProblem[] = [];
}

/** What follows a relational operator, made into a binary expression with its left operand. */
interface RelationTail {
  readonly op: string;
  readonly opSpan: Span;
  readonly right: Expr | PipeExpr[];
  readonly end: number;
}

/** A postfix: `.name` or `[index]`. */
type Suffix = { readonly kind: 'member'; readonly name: NameRef } | { readonly kind: 'index'; readonly index: Expr; readonly close: IToken };

function lit(literal: LiteralValue, s: Span): Expr {
  return { kind: 'literal', literal, span: s };
}

function endOf(items: readonly { span: Span }[], fallback: IToken): number {
  return items.length ? items[items.length - 1]!.span.end : tokenEnd(fallback);
}

let parser: KqlParser | undefined;
function kqlParser(): KqlParser {
  parser ??= new KqlParser();
  return parser;
}

export interface ParseResult {
  readonly ast: QueryAst;
  readonly problems: SyntaxProblem[];
  /** Names of let statements that did not parse: the binder skips references to them. */
  readonly failedLets: string[];
  /** The final tabular expression was there but did not parse. */
  readonly bodyFailed: boolean;
}

/** Parse a query. Never throws for bad input: problems carry spans into `text`. */
export function parseQuery(text: string): ParseResult {
  const lexed = T.kqlLexer().tokenize(text);
  const problems: SyntaxProblem[] = lexed.errors.map((e) => ({
    kind: 'syntax',
    message: `unexpected character '${text.slice(e.offset, e.offset + e.length).slice(0, 1)}'`,
    span: { start: e.offset, end: e.offset + 1 },
  }));
  const lets: LetStmt[] = [];
  const failedLets: string[] = [];
  let bodyFailed = false;
  let body: PipeExpr | undefined;
  const deep = tooDeep(lexed.tokens);
  if (deep) {
    problems.push({ kind: 'syntax', message: `brackets nest deeper than ${MAX_NESTING} levels here; detc refuses such queries`, span: span(deep) });
    return { ast: { lets, body }, problems, failedLets, bodyFailed: true };
  }
  for (const stmt of splitStatements(lexed.tokens)) {
    const first = stmt[0]!;
    const letName = first.tokenType === T.Let && stmt[1] ? stmt[1].image : undefined;
    const fail = () => (letName !== undefined ? failedLets.push(letName) : (bodyFailed = true));
    if (first.tokenType === T.UnterminatedString || stmt.some((t) => t.tokenType === T.UnterminatedString)) {
      const bad = stmt.find((t) => t.tokenType === T.UnterminatedString)!;
      problems.push({ kind: 'syntax', message: 'string literal has no closing quote on this line', span: span(bad) });
      fail();
      continue;
    }
    if (first.tokenType === T.Let && isLetFunction(withoutView(stmt))) {
      const f = letFunction(withoutView(stmt), text);
      if ('problem' in f) {
        problems.push(f.problem);
        fail();
      } else lets.push(f.stmt);
      continue;
    }
    if (first.image === 'declare' && stmt[1]?.image === 'query_parameters') {
      const declared = queryParameters(stmt, text);
      if ('problem' in declared) {
        problems.push(declared.problem);
        bodyFailed = true;
      } else lets.push(...declared.lets);
      continue;
    }
    const p = kqlParser();
    p.input = stmt;
    p.problems = [];
    const result = first.tokenType === T.Let ? p.letOnly() : p.pipeOnly();
    problems.push(...p.problems);
    if (p.errors.length) {
      const e = p.errors[0]!;
      const tok = e.token.tokenType === EOF ? stmt[stmt.length - 1]! : e.token;
      const at = e.token.tokenType === EOF ? { start: tokenEnd(tok), end: tokenEnd(tok) + 1 } : span(tok);
      problems.push({ kind: 'syntax', message: e.message, span: at });
      fail();
      continue;
    }
    if (first.tokenType === T.Let) lets.push(result as LetStmt);
    else if (body) problems.push({ kind: 'syntax', message: 'a query has one final tabular expression; this is a second one (missing let?)', span: (result as PipeExpr).span });
    else body = result as PipeExpr;
  }
  return { ast: { lets, body }, problems, failedLets, bodyFailed };
}

/** Deeper bracket nesting than any real rule has; it would exhaust the recursive phases' stack. */
const MAX_NESTING = 200;

function tooDeep(tokens: IToken[]): IToken | undefined {
  let depth = 0;
  for (const t of tokens) {
    const tt = t.tokenType;
    if (tt === T.LParen || tt === T.LBracket || tt === T.LBrace) {
      if (++depth > MAX_NESTING) return t;
    } else if (tt === T.RParen || tt === T.RBracket || tt === T.RBrace) depth--;
  }
  return undefined;
}

/** Split tokens at `;` outside brackets. */
function splitStatements(tokens: IToken[]): IToken[][] {
  const out: IToken[][] = [];
  let current: IToken[] = [];
  let depth = 0;
  for (const t of tokens) {
    const tt: TokenType = t.tokenType;
    if (tt === T.LParen || tt === T.LBracket || tt === T.LBrace) depth++;
    else if ((tt === T.RParen || tt === T.RBracket || tt === T.RBrace) && depth > 0) depth--;
    if (tt === T.Semicolon && depth === 0) {
      if (current.length) out.push(current);
      current = [];
    } else current.push(t);
  }
  if (current.length) out.push(current);
  return out;
}

/** `let f = (a:string) {...}` or `let f = () {...}`. */
function isLetFunction(stmt: IToken[]): boolean {
  const [, , eq, open, a, b] = stmt;
  if (eq?.tokenType !== T.Assign || open?.tokenType !== T.LParen) return false;
  return (a?.tokenType === T.RParen && b?.tokenType === T.LBrace) || b?.tokenType === T.Colon;
}

// ---- User-defined functions and query parameters -------------------------------------------

type Problem = { problem: SyntaxProblem };

/** `let f = view () {...}` declares a function like `let f = () {...}` (view only changes what union * sees). */
function withoutView(stmt: IToken[]): IToken[] {
  return stmt[3]?.image === 'view' && stmt[4]?.tokenType === T.LParen ? [...stmt.slice(0, 3), ...stmt.slice(4)] : stmt;
}

/** Parameters `(name:type [= default], ...)` from tokens[open] (a `(`); `end` is the index after `)`. */
function parameterList(tokens: IToken[], open: number, text: string): { params: { name: string; type: string; default?: string; defaultTokens?: IToken[] }[]; end: number } | Problem {
  const params: { name: string; type: string; default?: string; defaultTokens?: IToken[] }[] = [];
  let i = open + 1;
  const bad = (t: IToken | undefined, what: string): Problem => ({ problem: { kind: 'syntax', message: `${what} in the parameter list`, span: t ? span(t) : span(tokens[tokens.length - 1]!) } });
  while (i < tokens.length && tokens[i]!.tokenType !== T.RParen) {
    const name = tokens[i]!;
    if (!tokenMatcher(name, T.Name)) return bad(name, `unexpected '${name.image}'`);
    if (tokens[i + 1]?.tokenType !== T.Colon) return bad(tokens[i + 1], `expected ':' and a type after parameter '${name.image}'`);
    i += 2;
    // A type: a name, or a tabular schema in parentheses such as (*) or (a:string).
    let type = '';
    if (tokens[i]?.tokenType === T.LParen) {
      const close = matching(tokens, i);
      if (close < 0) return bad(tokens[i], 'unclosed (');
      type = 'tabular';
      i = close + 1;
    } else if (tokens[i]) type = tokens[i++]!.image;
    else return bad(undefined, 'expected a type');
    let dflt: string | undefined;
    let defaultTokens: IToken[] | undefined;
    if (tokens[i]?.tokenType === T.Assign) {
      const start = ++i;
      for (let depth = 0; i < tokens.length; i++) {
        const tt = tokens[i]!.tokenType;
        if (depth === 0 && (tt === T.Comma || tt === T.RParen)) break;
        if (tt === T.LParen || tt === T.LBracket || tt === T.LBrace) depth++;
        else if (tt === T.RParen || tt === T.RBracket || tt === T.RBrace) depth--;
      }
      if (i === start) return bad(tokens[i], 'expected a default value');
      defaultTokens = tokens.slice(start, i);
      dflt = text.slice(defaultTokens[0]!.startOffset, tokenEnd(defaultTokens[defaultTokens.length - 1]!));
    }
    params.push({ name: name.image, type, default: dflt, defaultTokens });
    if (tokens[i]?.tokenType === T.Comma) i++;
    else if (tokens[i]?.tokenType !== T.RParen) return bad(tokens[i], `unexpected '${tokens[i]?.image ?? 'end of query'}'`);
  }
  if (i >= tokens.length) return bad(undefined, 'expected )');
  return { params, end: i + 1 };
}

/** Index of the bracket closing the one at tokens[open], or -1. */
function matching(tokens: IToken[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    const tt = tokens[i]!.tokenType;
    if (tt === T.LParen || tt === T.LBracket || tt === T.LBrace) depth++;
    else if ((tt === T.RParen || tt === T.RBracket || tt === T.RBrace) && --depth === 0) return i;
  }
  return -1;
}

/** `let f = (params) { body }`: the body is kept as text and bound at each call (binder.ts). */
function letFunction(stmt: IToken[], text: string): { stmt: LetStmt } | Problem {
  const [kw, name] = stmt as [IToken, IToken];
  const list = parameterList(stmt, 3, text);
  if ('problem' in list) return list;
  const open = stmt[list.end];
  if (open?.tokenType !== T.LBrace) return { problem: { kind: 'syntax', message: "expected '{' and the function's body after its parameters", span: span(open ?? stmt[stmt.length - 1]!) } };
  const close = matching(stmt, list.end);
  if (close < 0 || close !== stmt.length - 1) {
    const at = close < 0 ? open : stmt[close + 1]!;
    return { problem: { kind: 'syntax', message: close < 0 ? "the function's body has no closing '}'" : `unexpected '${at.image}' after the function's body (missing ';'?)`, span: span(at) } };
  }
  const bodyOffset = tokenEnd(open);
  const nameRef = { name: name.image, span: span(name) };
  return {
    stmt: {
      kind: 'let',
      name: name.image,
      nameSpan: nameRef.span,
      value: { kind: 'pipe', source: { kind: 'name', name: name.image, span: nameRef.span }, ops: [], span: nameRef.span },
      span: span(kw, stmt[close]!),
      function: { params: list.params.map(({ name: n, type, default: d }) => ({ name: n, type, ...(d !== undefined ? { default: d } : {}) })), body: text.slice(bodyOffset, stmt[close]!.startOffset), bodyOffset },
    },
  };
}

/**
 * `declare query_parameters(name:type [= default], ...)`: each parameter is a scalar let of its
 * default (a parameter without one is null of its type: detc has no caller to supply it).
 */
function queryParameters(stmt: IToken[], text: string): { lets: LetStmt[] } | Problem {
  if (stmt[2]?.tokenType !== T.LParen) return { problem: { kind: 'syntax', message: "expected '(' after query_parameters", span: span(stmt[2] ?? stmt[1]!) } };
  const list = parameterList(stmt, 2, text);
  if ('problem' in list) return list;
  const lets: LetStmt[] = [];
  for (const param of list.params) {
    const at = { start: stmt[0]!.startOffset, end: tokenEnd(stmt[list.end - 1]!) };
    let value: PipeExpr;
    if (param.defaultTokens) {
      const p = kqlParser();
      p.input = param.defaultTokens;
      p.problems = [];
      value = p.pipeOnly();
      if (p.errors.length) return { problem: { kind: 'syntax', message: `${p.errors[0]!.message} (default of ${param.name})`, span: span(param.defaultTokens[0]!) } };
    } else {
      const nul: PipeExpr = { kind: 'pipe', source: { kind: 'name', name: 'null', span: at }, ops: [], span: at };
      value = { kind: 'pipe', source: { kind: 'call', name: param.type, nameSpan: at, args: [nul], span: at }, ops: [], span: at };
    }
    lets.push({ kind: 'let', name: param.name, nameSpan: at, value, span: at });
  }
  return { lets };
}
