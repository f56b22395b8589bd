/**
 * A grammar for the AQL subset detc emits, written from IBM's AQL reference (clause order, quoting,
 * operators). Every emitted query is parsed with it before it is written, which catches unbalanced
 * quotes and malformed clauses. Comments are allowed only inside the query body, as IBM requires.
 */
import { createToken, EmbeddedActionsParser, Lexer, type IOrAlt, type TokenType } from 'chevrotain';
import { LazyLookaheadStrategy } from '../../query/lazy-lookahead.js';

const Ident = createToken({ name: 'Ident', pattern: /[A-Za-z_][A-Za-z0-9_]*/ });
const kw = (word: string) => createToken({ name: word, pattern: new RegExp(word, 'i'), longer_alt: Ident });
const K = Object.fromEntries(
  ['SELECT', 'FROM', 'WHERE', 'GROUP', 'BY', 'HAVING', 'ORDER', 'LIMIT', 'LAST', 'START', 'STOP', 'AND', 'OR', 'NOT', 'AS', 'IN', 'ILIKE', 'LIKE', 'IMATCHES', 'MATCHES', 'BETWEEN', 'IS', 'NULL', 'CASE', 'WHEN', 'THEN', 'ELSE', 'END', 'IF', 'ASC', 'DESC', 'EVENTS', 'FLOWS', 'MINUTES', 'HOURS', 'DAYS']
    .sort((a, b) => b.length - a.length)
    .map((w) => [w, kw(w)]),
) as Record<string, TokenType>;
const WS = createToken({ name: 'WS', pattern: /\s+/, group: Lexer.SKIPPED });
const Comment = createToken({ name: 'Comment', pattern: /\/\*[\s\S]*?\*\//, group: 'comments' });
const Str = createToken({ name: 'Str', pattern: /'(?:[^']|'')*'/ });
const Quoted = createToken({ name: 'Quoted', pattern: /"(?:[^"]|"")*"/ });
const Num = createToken({ name: 'Num', pattern: /\d+(?:\.\d+)?/ });
const Cmp = createToken({ name: 'Cmp', pattern: /<>|!=|<=|>=|=|<|>/ });
const Arith = createToken({ name: 'Arith', pattern: /[+\-*/%]/ });
const LP = createToken({ name: 'LP', pattern: /\(/ });
const RP = createToken({ name: 'RP', pattern: /\)/ });
const Comma = createToken({ name: 'Comma', pattern: /,/ });

const tokens = [WS, Comment, Str, Quoted, Num, Cmp, Arith, LP, RP, Comma, ...Object.values(K), Ident];

/** What an expression is: AQL keeps conditions (WHERE, HAVING, WHEN) and values (SELECT, GROUP BY) apart. */
type Kind = 'cond' | 'value';

/**
 * One expression grammar for conditions and values, LL(2), with each expression's kind checked
 * as it is parsed: `a = 1` is a condition, `a + 1` a value, and each clause and operator takes
 * the kind it needs. (Separate condition and value rules needed backtracking to tell `(cond)`
 * from `(value)`, which parsed nested parentheses again at every level.)
 */
class AqlParser extends EmbeddedActionsParser {
  /** Kind errors, as messages; syntax errors are chevrotain's `errors`. */
  kindProblems: string[] = [];

  constructor() {
    super(tokens, { maxLookahead: 2, lookaheadStrategy: new LazyLookaheadStrategy(2), skipValidations: !process.env.VITEST });
    this.performSelfAnalysis();
  }

  /**
   * Report an expression of the wrong kind, near its last token. In an ACTION: chevrotain runs
   * the rules once to record the grammar, when there are no tokens and no kinds.
   */
  private expect(kind: Kind, got: Kind, where: string): void {
    if (this.RECORDING_PHASE || kind === got) return;
    const near = this.LA(0).startOffset;
    this.kindProblems.push(`${got === 'cond' ? 'a condition' : 'a value'} where ${where} needs ${kind === 'cond' ? 'a condition' : 'a value'} (near offset ${near})`);
  }

  // The alternatives of the choices parsed at every operand, made on first use and kept: an array
  // literal in OR made every alternative's closure again on each call. They capture no call's variables.
  private notAlts?: IOrAlt<Kind>[];
  private testAlts?: IOrAlt<true>[];
  private termAlts?: IOrAlt<Kind>[];

  /** The kind of operands joined by an operator that takes and gives `kind` (one operand: its own). */
  private joined(operands: readonly Kind[], kind: Kind, operator: string): Kind {
    if (operands.length === 1) return operands[0]!;
    for (const k of operands) this.expect(kind, k, operator);
    return kind;
  }

  query = this.RULE('query', () => {
    this.CONSUME(K.SELECT!);
    this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => this.SUBRULE(this.selectItem) });
    this.CONSUME(K.FROM!);
    this.OR([{ ALT: () => this.CONSUME(K.EVENTS!) }, { ALT: () => this.CONSUME(K.FLOWS!) }]);
    this.OPTION(() => {
      this.CONSUME(K.WHERE!);
      this.expect('cond', this.SUBRULE(this.expr), 'WHERE');
    });
    this.OPTION1(() => {
      this.CONSUME(K.GROUP!);
      this.CONSUME(K.BY!);
      this.AT_LEAST_ONE_SEP1({ SEP: Comma, DEF: () => this.expect('value', this.SUBRULE1(this.expr), 'GROUP BY') });
    });
    this.OPTION2(() => {
      this.CONSUME(K.HAVING!);
      this.expect('cond', this.SUBRULE2(this.expr), 'HAVING');
    });
    this.OPTION3(() => {
      this.CONSUME(K.ORDER!);
      this.CONSUME1(K.BY!);
      this.AT_LEAST_ONE_SEP2({
        SEP: Comma,
        DEF: () => {
          this.expect('value', this.SUBRULE3(this.expr), 'ORDER BY');
          this.OPTION4(() => this.OR1([{ ALT: () => this.CONSUME(K.ASC!) }, { ALT: () => this.CONSUME(K.DESC!) }]));
        },
      });
    });
    this.OPTION5(() => {
      this.CONSUME(K.LIMIT!);
      this.CONSUME(Num);
    });
    this.OR2([
      {
        ALT: () => {
          this.CONSUME(K.LAST!);
          this.CONSUME1(Num);
          this.OR3([{ ALT: () => this.CONSUME(K.MINUTES!) }, { ALT: () => this.CONSUME(K.HOURS!) }, { ALT: () => this.CONSUME(K.DAYS!) }]);
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.START!);
          this.CONSUME(Str);
          this.OPTION6(() => {
            this.CONSUME(K.STOP!);
            this.CONSUME1(Str);
          });
        },
      },
    ]);
  });
  selectItem = this.RULE('selectItem', () => {
    this.expect('value', this.SUBRULE(this.expr), 'SELECT');
    this.OPTION(() => {
      this.CONSUME(K.AS!);
      this.OR([{ ALT: () => this.CONSUME(Ident) }, { ALT: () => this.CONSUME(Quoted) }, { ALT: () => this.CONSUME(Str) }]);
    });
  });
  /** `a OR b`: conditions. */
  expr = this.RULE('expr', (): Kind => {
    const operands = [this.SUBRULE(this.andExpr)];
    this.MANY(() => {
      this.CONSUME(K.OR!);
      operands.push(this.SUBRULE1(this.andExpr));
    });
    return this.joined(operands, 'cond', 'OR');
  });
  andExpr = this.RULE('andExpr', (): Kind => {
    const operands = [this.SUBRULE(this.notExpr)];
    this.MANY(() => {
      this.CONSUME(K.AND!);
      operands.push(this.SUBRULE1(this.notExpr));
    });
    return this.joined(operands, 'cond', 'AND');
  });
  notExpr = this.RULE('notExpr', (): Kind =>
    this.OR((this.notAlts ??= [
      {
        ALT: () => {
          this.CONSUME(K.NOT!);
          this.expect('cond', this.SUBRULE(this.notExpr), 'NOT');
          return 'cond' as const;
        },
      },
      { ALT: () => this.SUBRULE(this.predicate) },
    ])),
  );
  /** A value, or a comparison, LIKE, IN, BETWEEN or IS NULL of values. */
  predicate = this.RULE('predicate', (): Kind => {
    const left = this.SUBRULE(this.sum);
    const tested = this.OPTION(() =>
      this.OR((this.testAlts ??= [
        {
          ALT: () => {
            this.CONSUME(Cmp);
            this.expect('value', this.SUBRULE1(this.sum), 'a comparison');
            return true;
          },
        },
        {
          ALT: () => {
            this.OPTION1(() => this.CONSUME(K.NOT!));
            this.OR1([{ ALT: () => this.CONSUME(K.LIKE!) }, { ALT: () => this.CONSUME(K.ILIKE!) }, { ALT: () => this.CONSUME(K.MATCHES!) }, { ALT: () => this.CONSUME(K.IMATCHES!) }]);
            this.CONSUME(Str);
            return true;
          },
        },
        {
          ALT: () => {
            this.CONSUME(K.IN!);
            this.CONSUME(LP);
            this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => this.expect('value', this.SUBRULE2(this.sum), 'IN') });
            this.CONSUME(RP);
            return true;
          },
        },
        {
          ALT: () => {
            this.CONSUME(K.BETWEEN!);
            this.expect('value', this.SUBRULE3(this.sum), 'BETWEEN');
            this.CONSUME(K.AND!);
            this.expect('value', this.SUBRULE4(this.sum), 'BETWEEN');
            return true;
          },
        },
        {
          ALT: () => {
            this.CONSUME(K.IS!);
            this.OPTION2(() => this.CONSUME1(K.NOT!));
            this.CONSUME(K.NULL!);
            return true;
          },
        },
      ])),
    );
    if (!tested) return left;
    // The tested value, checked once the test is read (the message points at its end).
    this.expect('value', left, 'a comparison');
    return 'cond';
  });
  /** `a + b * c`: values (AQL's arithmetic precedence is not checked, only the shape). */
  sum = this.RULE('sum', (): Kind => {
    const operands = [this.SUBRULE(this.term)];
    this.MANY(() => {
      this.CONSUME(Arith);
      operands.push(this.SUBRULE1(this.term));
    });
    return this.joined(operands, 'value', 'arithmetic');
  });
  term = this.RULE('term', (): Kind =>
    this.OR((this.termAlts ??= [
      { ALT: () => (this.CONSUME(Str), 'value' as const) },
      { ALT: () => (this.CONSUME(Num), 'value' as const) },
      { ALT: () => (this.CONSUME(Quoted), 'value' as const) },
      { ALT: () => (this.CONSUME(K.NULL!), 'value' as const) },
      {
        ALT: () => {
          this.CONSUME(Arith); // unary minus
          this.expect('value', this.SUBRULE(this.term), 'arithmetic');
          return 'value' as const;
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.CASE!);
          this.AT_LEAST_ONE(() => {
            this.CONSUME(K.WHEN!);
            this.expect('cond', this.SUBRULE(this.expr), 'WHEN');
            this.CONSUME(K.THEN!);
            this.expect('value', this.SUBRULE1(this.expr), 'THEN');
          });
          this.CONSUME(K.ELSE!);
          this.expect('value', this.SUBRULE2(this.expr), 'ELSE');
          this.CONSUME(K.END!);
          return 'value' as const;
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.IF!);
          this.expect('cond', this.SUBRULE3(this.expr), 'IF');
          this.CONSUME1(K.THEN!);
          this.expect('value', this.SUBRULE4(this.expr), 'THEN');
          this.CONSUME1(K.ELSE!);
          this.expect('value', this.SUBRULE5(this.expr), 'ELSE');
          return 'value' as const;
        },
      },
      {
        ALT: () => {
          const name = this.CONSUME(Ident);
          let isCall = false;
          // A function's arguments may be either kind (IF-like functions take conditions).
          this.OPTION(() => {
            this.CONSUME1(LP);
            this.MANY_SEP({
              SEP: Comma,
              DEF: () =>
                this.OR1([
                  { GATE: () => this.LA(2).tokenType === RP, ALT: () => this.CONSUME1(Arith) }, // COUNT(*)
                  { ALT: () => this.SUBRULE6(this.expr) },
                ]),
            });
            this.CONSUME1(RP);
            isCall = true;
          });
          return isCall && CONDITION_FUNCTIONS.has(name.image?.toUpperCase()) ? ('cond' as const) : ('value' as const);
        },
      },
      {
        ALT: () => {
          this.CONSUME2(LP);
          const inner = this.SUBRULE7(this.expr);
          this.CONSUME2(RP);
          return inner;
        },
      },
    ])),
  );
}

/** Functions whose value is a condition (true/false), usable where AND/OR/WHERE need one. */
const CONDITION_FUNCTIONS = new Set(['INCIDR', 'REFERENCESETCONTAINS']);

let lexer: Lexer | undefined;
let parser: AqlParser | undefined;

/** Problems with an AQL query text (empty when it parses). */
export function checkAqlSyntax(text: string): string[] {
  lexer ??= new Lexer(tokens, { positionTracking: 'onlyOffset', skipValidations: !process.env.VITEST });
  parser ??= new AqlParser();
  const lexed = lexer.tokenize(text);
  const problems = lexed.errors.map((e) => `unexpected character at offset ${e.offset}: ${JSON.stringify(text.substr(e.offset, 10))}`);
  const comments = (lexed.groups.comments ?? []) as { startOffset: number; endOffset?: number }[];
  const first = lexed.tokens[0];
  const last = lexed.tokens[lexed.tokens.length - 1];
  for (const c of comments) {
    if (!first || c.startOffset < first.startOffset || !last || c.startOffset > last.startOffset) problems.push('a /* comment */ outside the query body (IBM: comments only between SELECT and the last clause)');
  }
  parser.input = lexed.tokens;
  parser.kindProblems = [];
  parser.query();
  problems.push(...parser.errors.map((e) => `unexpected '${e.token.image}' at offset ${e.token.startOffset} (${e.name})`));
  if (!parser.errors.length) problems.push(...parser.kindProblems);
  return problems;
}
