/**
 * A chevrotain lookahead strategy that builds each decision's lookahead function the first time
 * the parser reaches that decision, instead of all of them in `performSelfAnalysis()`. The
 * functions are the ones chevrotain's LL(k) strategy builds (same grammar analysis, same
 * choices); only when they are built changes. One query touches a small part of the grammar, so a
 * cold `detc check` skips most of the analysis (about 20 ms of start-up).
 */
import { LLkLookaheadStrategy, type ILookaheadStrategy } from 'chevrotain';

type LookaheadFunction = (this: unknown, alternatives?: unknown) => unknown;

/** Builds on first call, then calls the built function (with the parser as `this`). */
function onFirstCall(build: () => LookaheadFunction): LookaheadFunction {
  let built: LookaheadFunction | undefined;
  return function (this: unknown, alternatives?: unknown) {
    built ??= build();
    return built.call(this, alternatives);
  };
}

export class LazyLookaheadStrategy implements ILookaheadStrategy {
  private readonly llk: InstanceType<typeof LLkLookaheadStrategy>;

  constructor(maxLookahead: number) {
    this.llk = new LLkLookaheadStrategy({ maxLookahead });
  }

  // Grammar validation (test runner only) is eager, as with the default strategy.
  validate(options: Parameters<ILookaheadStrategy['validate']>[0]): ReturnType<ILookaheadStrategy['validate']> {
    return this.llk.validate(options);
  }

  buildLookaheadForAlternation(options: Parameters<ILookaheadStrategy['buildLookaheadForAlternation']>[0]) {
    return onFirstCall(() => this.llk.buildLookaheadForAlternation(options) as LookaheadFunction) as ReturnType<ILookaheadStrategy['buildLookaheadForAlternation']>;
  }

  buildLookaheadForOptional(options: Parameters<ILookaheadStrategy['buildLookaheadForOptional']>[0]) {
    return onFirstCall(() => this.llk.buildLookaheadForOptional(options) as LookaheadFunction) as ReturnType<ILookaheadStrategy['buildLookaheadForOptional']>;
  }
}
