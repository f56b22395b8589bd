/**
 * Temporary: backends/js/data-layout.ts still imports this; it goes with that file (issue 31).
 * It keeps nothing: V8 hidden-class workarounds are removed.
 */
export const keepShape = <T extends object>(instance: T): T => instance;
