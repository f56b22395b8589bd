/**
 * Window functions (https://learn.microsoft.com/kusto/query/window-functions): row_number, prev,
 * next, row_cumsum, row_window_session. They read other rows, so they need serialized input (after serialize, sort or
 * top) and are compiled by extend and serialize only (the JS evaluator: backends/js/window.ts).
 */
import type { ScalarExpr } from './types.js';
import { everyNode } from './walk.js';

export const WINDOW_FUNCTIONS: ReadonlySet<string> = new Set(['row_number', 'prev', 'next', 'row_cumsum', 'row_window_session']);

export const isWindowCall = (e: ScalarExpr): boolean => e.kind === 'call' && WINDOW_FUNCTIONS.has(e.fn);

export const containsWindowCall = (e: ScalarExpr): boolean => !everyNode(e, (x) => !isWindowCall(x));
