/**
 * A grammar for the AQL subset detc emits, written from IBM's AQL reference (clause order, quoting,
 * operators). Every emitted query is parsed with it before it is written, which catches unbalanced
 * quotes and malformed clauses. Comments are allowed only inside the query body, as IBM requires.
 */
import { createToken, CstParser, Lexer, type TokenType } from 'chevrotain';
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

class AqlParser extends CstParser {
  constructor() {
    super(tokens, { maxLookahead: 3, lookaheadStrategy: new LazyLookaheadStrategy(3), skipValidations: !process.env.VITEST });
    this.performSelfAnalysis();
  }
  query = this.RULE('query', () => {
    this.CONSUME(K.SELECT!);
    this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => this.SUBRULE(this.selectItem) });
    this.CONSUME(K.FROM!);
    this.OR([{ ALT: () => this.CONSUME(K.EVENTS!) }, { ALT: () => this.CONSUME(K.FLOWS!) }]);
    this.OPTION(() => {
      this.CONSUME(K.WHERE!);
      this.SUBRULE(this.cond);
    });
    this.OPTION1(() => {
      this.CONSUME(K.GROUP!);
      this.CONSUME(K.BY!);
      this.AT_LEAST_ONE_SEP1({ SEP: Comma, DEF: () => this.SUBRULE(this.value) });
    });
    this.OPTION2(() => {
      this.CONSUME(K.HAVING!);
      this.SUBRULE1(this.cond);
    });
    this.OPTION3(() => {
      this.CONSUME(K.ORDER!);
      this.CONSUME1(K.BY!);
      this.AT_LEAST_ONE_SEP2({
        SEP: Comma,
        DEF: () => {
          this.SUBRULE1(this.value);
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
    this.SUBRULE(this.value);
    this.OPTION(() => {
      this.CONSUME(K.AS!);
      this.OR([{ ALT: () => this.CONSUME(Ident) }, { ALT: () => this.CONSUME(Quoted) }, { ALT: () => this.CONSUME(Str) }]);
    });
  });
  cond = this.RULE('cond', () => {
    this.SUBRULE(this.andCond);
    this.MANY(() => {
      this.CONSUME(K.OR!);
      this.SUBRULE1(this.andCond);
    });
  });
  andCond = this.RULE('andCond', () => {
    this.SUBRULE(this.notCond);
    this.MANY(() => {
      this.CONSUME(K.AND!);
      this.SUBRULE1(this.notCond);
    });
  });
  notCond = this.RULE('notCond', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(K.NOT!);
          this.SUBRULE(this.notCond);
        },
      },
      {
        // `( cond )` vs a parenthesised value: try the condition form first.
        GATE: this.BACKTRACK(this.parenCond),
        ALT: () => this.SUBRULE(this.parenCond),
      },
      { ALT: () => this.SUBRULE(this.predicate) },
    ]);
  });
  parenCond = this.RULE('parenCond', () => {
    this.CONSUME(LP);
    this.SUBRULE(this.cond);
    this.CONSUME(RP);
  });
  predicate = this.RULE('predicate', () => {
    this.SUBRULE(this.value);
    this.OR([
      {
        ALT: () => {
          this.CONSUME(Cmp);
          this.SUBRULE1(this.value);
        },
      },
      {
        ALT: () => {
          this.OPTION(() => this.CONSUME(K.NOT!));
          this.OR1([{ ALT: () => this.CONSUME(K.LIKE!) }, { ALT: () => this.CONSUME(K.ILIKE!) }, { ALT: () => this.CONSUME(K.MATCHES!) }, { ALT: () => this.CONSUME(K.IMATCHES!) }]);
          this.CONSUME(Str);
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.IN!);
          this.CONSUME(LP);
          this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => this.SUBRULE2(this.value) });
          this.CONSUME(RP);
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.BETWEEN!);
          this.SUBRULE3(this.value);
          this.CONSUME(K.AND!);
          this.SUBRULE4(this.value);
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.IS!);
          this.OPTION1(() => this.CONSUME1(K.NOT!));
          this.CONSUME(K.NULL!);
        },
      },
    ]);
  });
  value = this.RULE('value', () => {
    this.SUBRULE(this.term);
    this.MANY(() => {
      this.CONSUME(Arith);
      this.SUBRULE1(this.term);
    });
  });
  term = this.RULE('term', () => {
    this.OR([
      { ALT: () => this.CONSUME(Str) },
      { ALT: () => this.CONSUME(Num) },
      { ALT: () => this.CONSUME(Quoted) },
      { ALT: () => this.CONSUME(K.NULL!) },
      {
        ALT: () => {
          this.CONSUME(Arith); // unary minus
          this.SUBRULE(this.term);
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.CASE!);
          this.AT_LEAST_ONE(() => {
            this.CONSUME(K.WHEN!);
            this.SUBRULE(this.cond);
            this.CONSUME(K.THEN!);
            this.SUBRULE(this.value);
          });
          this.CONSUME(K.ELSE!);
          this.SUBRULE1(this.value);
          this.CONSUME(K.END!);
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.IF!);
          this.SUBRULE1(this.cond);
          this.CONSUME1(K.THEN!);
          this.SUBRULE2(this.value);
          this.CONSUME1(K.ELSE!);
          this.SUBRULE3(this.value);
        },
      },
      {
        ALT: () => {
          this.CONSUME(Ident);
          this.OPTION(() => {
            this.CONSUME(LP);
            this.MANY_SEP({
              SEP: Comma,
              DEF: () =>
                this.OR1([
                  { GATE: this.BACKTRACK(this.cond), ALT: () => this.SUBRULE4(this.cond) },
                  { GATE: this.BACKTRACK(this.value), ALT: () => this.SUBRULE6(this.value) },
                  { ALT: () => this.CONSUME1(Arith) }, // COUNT(*)
                ]),
            });
            this.CONSUME(RP);
          });
        },
      },
      {
        ALT: () => {
          this.CONSUME1(LP);
          this.SUBRULE5(this.value);
          this.CONSUME1(RP);
        },
      },
    ]);
  });
}

let lexer: Lexer | undefined;
let parser: AqlParser | undefined;

/** Problems with an AQL query text (empty when it parses). */
export function checkAqlSyntax(text: string): string[] {
  lexer ??= new Lexer(tokens);
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
  // BACKTRACK (the two places above) tries an alternative and fails by throwing chevrotain's
  // exceptions, which are Errors: capturing their stack traces was a quarter of a QRadar build.
  // Nothing reads those stacks, so none are captured while parsing.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    parser.query();
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
  problems.push(...parser.errors.map((e) => `unexpected '${e.token.image}' at offset ${e.token.startOffset} (${e.name})`));
  return problems;
}
