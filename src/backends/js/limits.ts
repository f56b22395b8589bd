/**
 * Bounds on what one run of the evaluator may build, so that a hostile or careless query over
 * sample events fails with a message instead of exhausting memory or running for hours: Kusto
 * bounds a query the same way (memory per query and per operator; E_RUNAWAY_QUERY), see
 * https://learn.microsoft.com/kusto/concepts/query-limits. The defaults are far above what a
 * rule's sample events need; `detc run --max-groups / --max-rows` and `RunOptions.limits` raise them.
 */
export interface EvaluationLimits {
  /** Groups one `summarize` (or `distinct`) may hold. 1,000,000 groups take about 1 GB. */
  readonly maxGroups: number;
  /** Rows that row-multiplying operators (`mv-expand`, `join`) may produce in one run, all together. */
  readonly maxRows: number;
}

export const DEFAULT_LIMITS: EvaluationLimits = { maxGroups: 1_000_000, maxRows: 10_000_000 };

/** A limit was reached: the run stops; the message names the limit and how to raise it. */
export class EvaluationLimitError extends Error {
  constructor(
    readonly limit: keyof EvaluationLimits,
    readonly value: number,
    what: string,
  ) {
    const flag = limit === 'maxGroups' ? '--max-groups' : '--max-rows';
    super(`${what} exceeds the evaluator's limit of ${value.toLocaleString('en-US')} (${flag} N raises it; RunOptions.limits.${limit} in the API); narrow the query or the events`);
  }
}

/** One run's count of produced rows against its limits. */
export class RunBudget {
  private rows = 0;
  readonly limits: EvaluationLimits;
  constructor(limits: Partial<EvaluationLimits> | undefined) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }
  /** `n` more rows made by `operator`. */
  addRows(n: number, operator: string): void {
    this.rows += n;
    if (this.rows > this.limits.maxRows) throw new EvaluationLimitError('maxRows', this.limits.maxRows, `the number of rows made by mv-expand and join (at ${operator})`);
  }
}
