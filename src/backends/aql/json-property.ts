/**
 * `parse_json(Column).a.b[0]` in AQL. IBM's AQL function reference (QRadar 7.5/7.6, "AQL data
 * calculation and formatting functions") has no JSON function; QRadar reads a field inside a JSON
 * payload through a custom event property whose expression is a JSON keypath such as
 * /"requestParameters"/"policyName" (IBM, "JSON keypath expressions",
 * https://www.ibm.com/docs/en/qsip/7.5?topic=editor-json-keypath-expressions; "Configuring a custom
 * property expression", https://www.ibm.com/docs/en/qsip/7.5?topic=expressions-configuring-custom-property-expression).
 * A mapping marks such a column with `json: <top-level field of the payload>`; each path a rule
 * reads below it becomes a custom property named after the path, which the user defines once with
 * the keypath the translation notes.
 */

/** A place in a JSON payload: the payload's field (dotted when nested) and the keys/indexes below it. */
export interface JsonPath {
  readonly root: string;
  readonly steps: readonly (string | number)[];
}

/**
 * Why a key cannot be a step of a custom property's name, if it cannot: the name writes keys
 * after `.` and indexes in `[]`, so a key holding `.`, `[` or `]` (or an empty key) would name
 * another path (`a["b.c"]` and `a.b.c` would read one property).
 */
export function jsonKeyProblem(key: string): string | undefined {
  if (key === '') return 'an empty JSON key has no custom property name (it would name its parent)';
  if (/[.[\]]/.test(key)) return `the JSON key ${JSON.stringify(key)} holds '.', '[' or ']', which the custom property name uses between steps, so its name would be another path's; rename the key in the log source, or read it in a QRadar query of the rule's own`;
  return undefined;
}

/** The note for a JSON value the query compares or computes as a number. */
export function jsonNumericNote(p: JsonPath): string {
  return `custom property "${jsonPropertyName(p)}" is compared or computed as a number: define it in QRadar with the Numeric field type, or the comparison is on text`;
}

/** The custom property's name: `requestParameters.policyName`, `resources[0].ARN`. */
export function jsonPropertyName(p: JsonPath): string {
  return p.steps.reduce<string>((name, s) => (typeof s === 'number' ? `${name}[${s}]` : `${name}.${s}`), p.root);
}

/** The keypath that defines it: `/"requestParameters"/"policyName"`, `/"resources"[0]/"ARN"`. */
export function jsonKeypath(p: JsonPath): string {
  const quote = (k: string) => `"${k.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  // A root may be nested (`properties.targetResources`: Azure Monitor records keep a log's fields under properties).
  return [...p.root.split('.'), ...p.steps].map((s) => (typeof s === 'number' ? `[${s}]` : `/${quote(s)}`)).join('');
}

/** The note telling the reader which custom property the query reads. */
export function jsonPropertyNote(p: JsonPath): string {
  return `custom property "${jsonPropertyName(p)}" must be defined in QRadar with the JSON expression ${jsonKeypath(p)}`;
}

/** `$.a.b[0]` (extract_json's path) as steps, when it is only keys and indexes. */
export function jsonPathSteps(path: string): (string | number)[] | undefined {
  if (!path.startsWith('$')) return undefined;
  const steps: (string | number)[] = [];
  const re = /\.([A-Za-z_][\w-]*)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]/y;
  re.lastIndex = 1;
  while (re.lastIndex < path.length) {
    const m = re.exec(path);
    if (!m) return undefined;
    steps.push(m[2] !== undefined ? Number(m[2]) : (m[1] ?? m[3] ?? m[4])!);
  }
  return steps;
}

/** A path's steps as a mapping's objects/texts name them: keys after '.', any index as `[]` (`[].modifiedProperties[].newValue`). */
export function jsonShapeKey(steps: JsonPath['steps']): string {
  return steps.map((s, i) => (typeof s === 'number' ? '[]' : i === 0 ? s : `.${s}`)).join('');
}
