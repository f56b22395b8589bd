/**
 * One instance of each class the compiler's hot paths create, kept for the life of the process.
 *
 * V8 reaches the hidden class ("map") of a class's instances from the class only through map
 * transitions, which do not keep it alive. When a full garbage collection finds no instance of
 * such a class, its map is collected and every optimised function that checked that map is
 * thrown away (`node --trace-deopt`: "weak objects"): the YAML reader, the binder and the module
 * printer then ran in the interpreter again after every full collection. The evaluator keeps its
 * own classes' instances for the same reason (KEPT_SHAPES in backends/js/compile.ts).
 */
const kept = new Map<unknown, object>();

/** `instance`, remembered as its class's kept instance (the latest replaces the one before). */
export function keepShape<T extends object>(instance: T): T {
  kept.set(instance.constructor, instance);
  return instance;
}
