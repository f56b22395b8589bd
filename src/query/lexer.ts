/**
 * KQL tokens (chevrotain). Keywords are their own token types (with `longer_alt: Identifier`, so
 * `hasX` is a name) and most belong to the `Name` category, so a column may still be called
 * `count` or `first` where a name is expected.
 */
import { createToken, Lexer, tokenMatcher, type TokenType } from 'chevrotain';

export { tokenMatcher };

export const Name = createToken({ name: 'Name', pattern: Lexer.NA });
export const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_$][A-Za-z0-9_]*/, categories: [Name] });

function keyword(name: string, word: string | RegExp, inName = true): TokenType {
  return createToken({
    name,
    pattern: word,
    longer_alt: Identifier,
    categories: inName ? [Name] : [],
  });
}

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r\n\f\v\u00a0\ufeff]+/, group: Lexer.SKIPPED });
export const Comment = createToken({ name: 'Comment', pattern: /\/\/[^\n\r]*/, group: Lexer.SKIPPED });

// String literals: multi-line ``` / ~~~, verbatim @'..', obfuscated h'..', ordinary quoted.
export const StringLit = createToken({
  name: 'StringLit',
  pattern:
    /```[\s\S]*?```|~~~[\s\S]*?~~~|[hH]?@'(?:[^'\n\r]|'')*'|[hH]?@"(?:[^"\n\r]|"")*"|[hH]?'(?:[^'\\\n\r]|\\.)*'|[hH]?"(?:[^"\\\n\r]|\\.)*"/,
  start_chars_hint: ['`', '~', 'h', 'H', '@', "'", '"'],
  line_breaks: true,
});
/** An opening quote with no closing one on the line: reported as a syntax error with a clear message. */
export const UnterminatedString = createToken({
  name: 'UnterminatedString',
  pattern: /[hH]?@?['"][^\n\r]*/,
  start_chars_hint: ['h', 'H', '@', "'", '"'],
});

// datetime(...) is a literal whose content is raw text up to ')'.
export const DatetimeLit = createToken({ name: 'DatetimeLit', pattern: /datetime\s*\([^)\n]*\)/ });
// guid(...) likewise: a GUID such as 12e8b78d-... is not a sequence of KQL tokens (`12e8` would be a real).
export const GuidLit = createToken({ name: 'GuidLit', pattern: /guid\s*\([^)\n]*\)/ });

const TIMESPAN_UNIT = 'microseconds?|microsec|micros?|milliseconds?|millisec|millis?|nanoseconds?|nanosec|nanos?|ticks?|minutes?|min|seconds?|sec|hours?|hrs?|hr|days?|ms|d|h|m|s';
/**
 * `24h`, `1.5d`; and the text forms of time(...)/timespan(...) that are not KQL tokens inside
 * (https://learn.microsoft.com/kusto/query/scalar-data-types/timespan): `time(0.12:34:56.7)`
 * ([d.]hh:mm[:ss[.fffffff]]) and `time(15 seconds)`. `time(2)` and `time(1d)` stay calls (the
 * binder reads a number as days).
 */
export const TimespanLit = createToken({
  name: 'TimespanLit',
  pattern: new RegExp(
    `(?:\\d+(?:\\.\\d+)?|\\.\\d+)(?:${TIMESPAN_UNIT})(?![A-Za-z0-9_])` +
      `|(?:timespan|time)\\s*\\(\\s*(?:-?(?:\\d+\\.)?\\d{1,2}:\\d{2}(?::\\d{2}(?:\\.\\d+)?)?|\\d+(?:\\.\\d+)?\\s+(?:${TIMESPAN_UNIT}))\\s*\\)`,
  ),
  start_chars_hint: [...'0123456789.t'],
});
export const RealLit = createToken({ name: 'RealLit', pattern: /(?:\d+\.(?!\.)\d*(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+|\.\d+(?:[eE][+-]?\d+)?)(?![A-Za-z_])/, start_chars_hint: [...'0123456789.'] });
export const LongLit = createToken({ name: 'LongLit', pattern: /0[xX][0-9a-fA-F]+|\d+/ });

// Hyphenated operator names: one token each, matched before identifiers.
export const ProjectAway = createToken({ name: 'ProjectAway', pattern: /project-away/ });
export const ProjectKeep = createToken({ name: 'ProjectKeep', pattern: /project-keep/ });
export const ProjectRename = createToken({ name: 'ProjectRename', pattern: /project-rename/ });
export const ProjectReorder = createToken({ name: 'ProjectReorder', pattern: /project-reorder/ });
export const MvExpand = createToken({ name: 'MvExpand', pattern: /mv-expand/ });
export const OtherHyphenOp = createToken({
  name: 'OtherHyphenOp',
  pattern: /mv-apply|make-series|parse-where|parse-kv|project-smart|top-nested|top-hitters|scan-\w+/,
});

// Tabular operators that detc compiles.
export const Where = keyword('Where', /where/);
export const Filter = keyword('Filter', /filter/);
export const Extend = keyword('Extend', /extend/);
export const Project = keyword('Project', /project/);
export const Summarize = keyword('Summarize', /summarize/);
export const Sort = keyword('Sort', /sort/);
export const Order = keyword('Order', /order/);
export const Top = keyword('Top', /top/);
export const Take = keyword('Take', /take/);
export const Limit = keyword('Limit', /limit/);
export const Distinct = keyword('Distinct', /distinct/);
export const Count = keyword('Count', /count/);
export const Join = keyword('Join', /join/);
/** The legacy spelling of mv-expand (default row limit 128). */
export const MvExpandLegacy = keyword('MvExpandLegacy', /mvexpand/);

export const Let = keyword('Let', /let/, false);
export const By = keyword('By', /by/, false);
export const Asc = keyword('Asc', /asc/);
export const Desc = keyword('Desc', /desc/);
export const Nulls = keyword('Nulls', /nulls/);
export const First = keyword('First', /first/);
export const Last = keyword('Last', /last/);
export const And = keyword('And', /and/, false);
export const Or = keyword('Or', /or/, false);
export const True = keyword('True', /true|True|TRUE/, false);
export const False = keyword('False', /false|False|FALSE/, false);
export const Dynamic = keyword('Dynamic', /dynamic/, false);
export const Matches = keyword('Matches', /matches/, false);
export const Regex = keyword('Regex', /regex/);
export const Between = keyword('Between', /between/, false);
export const NotBetween = createToken({ name: 'NotBetween', pattern: /!between/, longer_alt: Identifier });
export const InCi = createToken({ name: 'InCi', pattern: /in~/ });
export const NotInCi = createToken({ name: 'NotInCi', pattern: /!in~/ });
export const In = keyword('In', /in/, false);
export const NotIn = createToken({ name: 'NotIn', pattern: /!in(?![A-Za-z0-9_])/ });

/** String operators with a plain expression on the right: `has`, `contains_cs`, `has_any`, ... */
export const WordOp = keyword(
  'WordOp',
  /hasprefix_cs|hasprefix|hassuffix_cs|hassuffix|has_cs|has|contains_cs|containscs|contains|startswith_cs|startswith|endswith_cs|endswith/,
  false,
);
export const HasAny = keyword('HasAny', /has_any/, false);
export const HasAll = keyword('HasAll', /has_all/, false);
export const NotWordOp = createToken({
  name: 'NotWordOp',
  pattern: /!(?:hasprefix_cs|hasprefix|hassuffix_cs|hassuffix|has_cs|has|contains_cs|contains|startswith_cs|startswith|endswith_cs|endswith)(?![A-Za-z0-9_])/,
});

// Punctuation, longest first.
export const EqEq = createToken({ name: 'EqEq', pattern: /==/ });
export const NotEq = createToken({ name: 'NotEq', pattern: /!=|<>/ });
export const EqTilde = createToken({ name: 'EqTilde', pattern: /=~/ });
export const NotTilde = createToken({ name: 'NotTilde', pattern: /!~/ });
export const LtEq = createToken({ name: 'LtEq', pattern: /<=/ });
export const GtEq = createToken({ name: 'GtEq', pattern: /=>|>=/ });
export const Lt = createToken({ name: 'Lt', pattern: /</ });
export const Gt = createToken({ name: 'Gt', pattern: />/ });
export const Assign = createToken({ name: 'Assign', pattern: /=/ });
export const DotDot = createToken({ name: 'DotDot', pattern: /\.\./ });
export const Dot = createToken({ name: 'Dot', pattern: /\./ });
export const Plus = createToken({ name: 'Plus', pattern: /\+/ });
export const Minus = createToken({ name: 'Minus', pattern: /-/ });
export const Star = createToken({ name: 'Star', pattern: /\*/ });
export const Slash = createToken({ name: 'Slash', pattern: /\// });
export const Percent = createToken({ name: 'Percent', pattern: /%/ });
export const Comma = createToken({ name: 'Comma', pattern: /,/ });
export const Semicolon = createToken({ name: 'Semicolon', pattern: /;/ });
export const Colon = createToken({ name: 'Colon', pattern: /:/ });
export const Pipe = createToken({ name: 'Pipe', pattern: /\|/ });
export const LParen = createToken({ name: 'LParen', pattern: /\(/ });
export const RParen = createToken({ name: 'RParen', pattern: /\)/ });
export const LBracket = createToken({ name: 'LBracket', pattern: /\[/ });
export const RBracket = createToken({ name: 'RBracket', pattern: /\]/ });
export const LBrace = createToken({ name: 'LBrace', pattern: /\{/ });
export const RBrace = createToken({ name: 'RBrace', pattern: /\}/ });
export const Bang = createToken({ name: 'Bang', pattern: /!/ });

/** Order matters: chevrotain takes the first pattern that matches. */
export const allTokens: TokenType[] = [
  WhiteSpace,
  Comment,
  StringLit,
  UnterminatedString,
  DatetimeLit,
  GuidLit,
  TimespanLit,
  RealLit,
  LongLit,
  ProjectAway,
  ProjectKeep,
  ProjectRename,
  ProjectReorder,
  MvExpand,
  OtherHyphenOp,
  NotBetween,
  NotInCi,
  NotIn,
  NotWordOp,
  EqEq,
  NotEq,
  EqTilde,
  NotTilde,
  LtEq,
  GtEq,
  Lt,
  Gt,
  Assign,
  DotDot,
  Dot,
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
  Comma,
  Semicolon,
  Colon,
  Pipe,
  LParen,
  RParen,
  LBracket,
  RBracket,
  LBrace,
  RBrace,
  Bang,
  InCi,
  Where,
  Filter,
  Extend,
  Project,
  Summarize,
  Sort,
  Order,
  Top,
  Take,
  Limit,
  Distinct,
  Count,
  Join,
  MvExpandLegacy,
  Let,
  By,
  Asc,
  Desc,
  Nulls,
  First,
  Last,
  And,
  Or,
  True,
  False,
  Dynamic,
  Matches,
  Regex,
  Between,
  In,
  HasAny,
  HasAll,
  WordOp,
  Identifier,
  Name,
];

/** Adds `tokens` to the category `category` (a token that matches any of them in the parser). */
function addToCategory(category: TokenType, tokens: readonly TokenType[]): void {
  for (const t of tokens) {
    const withCategories = t as TokenType & { CATEGORIES?: TokenType[] };
    withCategories.CATEGORIES = [...(withCategories.CATEGORIES ?? []), category];
  }
  allTokens.push(category);
}

/** Every real token also belongs to `AnyToken`, so the parser can skip what it does not compile. */
export const AnyToken = createToken({ name: 'AnyToken', pattern: Lexer.NA });
addToCategory(AnyToken, allTokens.filter((t) => t !== WhiteSpace && t !== Comment && t !== Name));

// Operators that parse alike, as one token each: the parser consumes the category instead of
// choosing between alternatives (a choice allocates its alternatives on every call).
/** Comparisons with an expression on the right: `==`, `=~`, `<`, `has`, `!contains`, ... */
export const CompareOp = createToken({ name: 'CompareOp', pattern: Lexer.NA });
addToCategory(CompareOp, [EqEq, NotEq, EqTilde, NotTilde, Lt, Gt, LtEq, GtEq, WordOp, NotWordOp]);
/** Operators with a parenthesised list on the right: `in`, `!in~`, `has_any`, ... */
export const ListOp = createToken({ name: 'ListOp', pattern: Lexer.NA });
addToCategory(ListOp, [In, NotIn, InCi, NotInCi, HasAny, HasAll]);
export const BetweenOp = createToken({ name: 'BetweenOp', pattern: Lexer.NA });
addToCategory(BetweenOp, [Between, NotBetween]);
export const AddOp = createToken({ name: 'AddOp', pattern: Lexer.NA });
addToCategory(AddOp, [Plus, Minus]);
export const MulOp = createToken({ name: 'MulOp', pattern: Lexer.NA });
addToCategory(MulOp, [Star, Slash, Percent]);

/** How a token type is named in messages. */
export function tokenLabel(t: TokenType): string {
  const fixed: Record<string, string> = {
    EqEq: "'=='", NotEq: "'!='", EqTilde: "'=~'", NotTilde: "'!~'", LtEq: "'<='", GtEq: "'>='", Lt: "'<'",
    Gt: "'>'", Assign: "'='", DotDot: "'..'", Dot: "'.'", Plus: "'+'", Minus: "'-'", Star: "'*'", Slash: "'/'",
    Percent: "'%'", Comma: "','", Semicolon: "';'", Colon: "':'", Pipe: "'|'", LParen: "'('", RParen: "')'",
    LBracket: "'['", RBracket: "']'", LBrace: "'{'", RBrace: "'}'", Name: 'a name', Identifier: 'a name',
    StringLit: 'a string', LongLit: 'a number', RealLit: 'a number', TimespanLit: 'a timespan', By: "'by'",
    AnyToken: 'a token', CompareOp: 'a comparison', ListOp: "'in' or has_any/has_all", BetweenOp: "'between'", AddOp: "'+' or '-'",
    MulOp: "'*', '/' or '%'",
  };
  return fixed[t.name] ?? `'${t.name.toLowerCase()}'`;
}

let lexer: Lexer | undefined;
/** Built on first use: construction analyses every pattern and costs start-up time. */
export function kqlLexer(): Lexer {
  // Validations of the token definitions run under the test runner only (as the parser's do).
  lexer ??= new Lexer(allTokens, { ensureOptimizations: false, positionTracking: 'onlyOffset', skipValidations: !process.env.VITEST });
  return lexer;
}
