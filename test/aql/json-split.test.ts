/**
 * parse_json(Column).path over a mapped JSON column (a custom property with a JSON keypath), and
 * split(s, d)[i] (a regex replacement), in AQL. Each emitted query parses with the AQL grammar.
 */
import { describe, expect, it } from 'vitest';
import { checkAqlSyntax } from '../../src/backends/aql/grammar.js';
import { jsonKeypath, jsonPathSteps, jsonPropertyName } from '../../src/backends/aql/json-property.js';
import { loadMappings } from '../../src/backends/aql/mapping.js';
import { splitPart } from '../../src/backends/aql/split.js';
import { translateToAql } from '../../src/backends/aql/translate.js';
import { checkRuleText } from '../../src/compile.js';
import { ruleYaml } from '../helpers.js';

const mappings = loadMappings();

function aql(table: string, query: string) {
  const r = checkRuleText('r.yaml', ruleYaml(query));
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const t = translateToAql(r.ir!, mappings.get(table), new Set(), r.rule!.queryPeriodMs);
  if (t.aql) expect(checkAqlSyntax(t.aql)).toEqual([]);
  return t;
}

describe('JSON payload fields as custom properties', () => {
  it('names a property after the path and gives the keypath that defines it (IBM: JSON keypath expressions)', () => {
    expect(jsonPropertyName({ root: 'resources', steps: [0, 'ARN'] })).toBe('resources[0].ARN');
    expect(jsonKeypath({ root: 'resources', steps: [0, 'ARN'] })).toBe('/"resources"[0]/"ARN"');
    expect(jsonKeypath({ root: 'requestParameters', steps: ['x-amz-acl'] })).toBe('/"requestParameters"/"x-amz-acl"');
    expect(jsonPathSteps('$.a.b[2]')).toEqual(['a', 'b', 2]);
    expect(jsonPathSteps("$['x y']")).toEqual(['x y']);
    expect(jsonPathSteps('$..a')).toBeUndefined();
  });

  it('tostring(parse_json(RequestParameters).enable) == "false" filters on the property', () => {
    const t = aql('AWSCloudTrail', 'AWSCloudTrail | where tostring(parse_json(RequestParameters).enable) == "false" | project EventName');
    expect(t.errors).toEqual([]);
    expect(t.aql).toContain(`AND "requestParameters.enable" = 'false'`);
    expect(t.notes).toContain('custom property "requestParameters.enable" must be defined in QRadar with the JSON expression /"requestParameters"/"enable"');
    // Only properties the query text uses are noted: not the whole requestParameters document.
    expect(t.notes.some((n) => n.startsWith('custom property "requestParameters" '))).toBe(false);
  });

  it('an extend of todynamic() carries the JSON place to later member access, with array indexes', () => {
    const t = aql('AWSCloudTrail', 'AWSCloudTrail | extend R = todynamic(Resources) | where tostring(R[0].ARN) endswith "/admin" | project EventName');
    expect(t.aql).toContain(`"resources[0].ARN" ILIKE '%/admin'`);
  });

  it('a JSON document inside a JSON string, and parse_json of other text, are errors naming the construct', () => {
    // IAM's PolicyDocument is a string of JSON text (the mapping's texts:, cited): no keypath reads into it.
    const nested = aql('AWSCloudTrail', 'AWSCloudTrail | extend S = parse_json(tostring(parse_json(RequestParameters).policyDocument)).Statement | project S');
    expect(nested.errors[0]!.message).toMatch(/^parse_json\(\) of the text of requestParameters\.policyDocument has no AQL equivalent: real events hold a string of JSON text there \(.*AWSCloudTrail\.yaml: IAM API reference, CreatePolicy .*PolicyDocument is of type String/);
    // A path the mapping says nothing about: refused, since it is the same value only if real events hold an object there.
    const unknown = aql('AWSCloudTrail', 'AWSCloudTrail | extend S = parse_json(tostring(parse_json(RequestParameters).someConfig)).x | project S');
    expect(unknown.errors[0]!.message).toMatch(/^parse_json\(\) of the text of requestParameters\.someConfig has no AQL translation: .*does not say so \(list someConfig under objects: of requestParameters/);
    const modified = aql('AuditLogs', 'AuditLogs | extend S = extractjson("$.state", tostring(TargetResources[0].modifiedProperties[0].newValue)) | project S');
    expect(modified.errors[0]!.message).toMatch(/^extractjson\(\) of the text of properties\.targetResources\[0\]\.modifiedProperties\[0\]\.newValue has no AQL equivalent: .*modifiedProperty.*newValue is a String/);
    const plain = aql('AWSCloudTrail', 'AWSCloudTrail | extend S = parse_json(UserAgent).x | project S');
    expect(plain.errors[0]!.message).toMatch(/^parse_json\(\) of a value that is not a JSON column of the mapping .* AQL has no JSON function$/);
  });

  it('parse_json(tostring(p)) of a path real events hold as an object is p itself (KQL parses its JSON text back to it), noted', () => {
    // Kusto docs, parse_json(): a dynamic argument is returned as is; tostring of an object is its JSON text.
    const t = aql('AWSCloudTrail', 'AWSCloudTrail | extend scan = parse_json(tostring((parse_json(RequestParameters).imageScanningConfiguration))).scanOnPush | where tostring(scan) == "false" | project EventName');
    expect(t.errors).toEqual([]);
    expect(t.aql).toContain(`AND "requestParameters.imageScanningConfiguration.scanOnPush" = 'false'`);
    expect(t.notes.some((n) => n.startsWith('parse_json(tostring(requestParameters.imageScanningConfiguration)) is read as requestParameters.imageScanningConfiguration itself: real events hold a JSON object there'))).toBe(true);
    const e = aql('AWSCloudTrail', 'AWSCloudTrail | where extractjson("$.AccessControlList.Grant[0].Permission", tostring(parse_json(RequestParameters).AccessControlPolicy)) == "READ" | project EventName');
    expect(e.aql).toContain(`"requestParameters.AccessControlPolicy.AccessControlList.Grant[0].Permission" = 'READ'`);
    const who = aql('AuditLogs', 'AuditLogs | extend Who = tostring(parse_json(tostring(InitiatedBy.user)).id) | project Who');
    expect(who.aql).toContain(`"properties.initiatedBy.user.id" AS Who`);
  });

  it('AuditLogs: a nested root (properties.targetResources) gives a nested keypath; mapped paths keep their normalized field', () => {
    const t = aql('AuditLogs', 'AuditLogs | where tostring(TargetResources[0].type) =~ "User" | extend Who = tostring(iff(isnotempty(InitiatedBy.user.userPrincipalName), InitiatedBy.user.userPrincipalName, InitiatedBy.app.servicePrincipalName)) | project Who');
    expect(t.errors).toEqual([]);
    expect(t.aql).toContain(`"properties.targetResources[0].type" ILIKE 'User'`);
    expect(t.aql).toContain(`    (IF (username IS NOT NULL AND username <> '') THEN username ELSE "properties.initiatedBy.app.servicePrincipalName") AS Who`);
    expect(t.notes).toContain('custom property "properties.targetResources[0].type" must be defined in QRadar with the JSON expression /"properties"/"targetResources"[0]/"type"');
  });

  it('extract_json with a key path reads the same property', () => {
    const t = aql('AWSCloudTrail', 'AWSCloudTrail | where extract_json("$.bucketName", RequestParameters) == "b" | project EventName');
    expect(t.aql).toContain(`"requestParameters.bucketName" = 'b'`);
  });
});

describe('split(s, d)[i] as a regex replacement', () => {
  it('writes the last part, the first part and a later part (guarded: a missing part is null, or empty under tostring)', () => {
    expect(splitPart('x', '/', -1, true)).toEqual({ text: "REPLACEALL('(?s)^(?:[^\\/]*\\/)*', x, '')" });
    expect(splitPart('x', '@', 0, true)).toEqual({ text: "REPLACEALL('(?s)^([^\\@]*).*$', x, '$1')" });
    expect(splitPart('x', '@', 1, true)).toEqual({ text: "IF x MATCHES '(?s)^(?:[^\\@]*\\@){1}.*$' THEN REPLACEALL('(?s)^(?:[^\\@]*\\@){1}([^\\@]*).*$', x, '$1') ELSE ''" });
    expect(splitPart('x', '@', 1, false)).toMatchObject({ text: expect.stringMatching(/ ELSE NULL$/) });
    expect(splitPart('x', '::', 0, true)).toEqual({ text: "REPLACEALL('(?s)^((?:(?!\\:\\:).)*).*$', x, '$1')" });
    expect(splitPart('x', '/', -2, true)).toEqual({ error: expect.stringMatching(/^split\(\.\.\.\)\[-2\] has no AQL translation/) });
  });

  it('the Java regexes keep the part KQL split() gives (checked with a JavaScript engine, whose syntax agrees for these)', () => {
    // replaceAll semantics: a pattern anchored at both ends replaces the whole text once.
    const run = (text: string, d: string, i: number): string | null => {
      const r = splitPart('s', d, i, false) as { text: string };
      const regexes = [...r.text.matchAll(/'((?:[^']|'')*)'/g)].map((m) => m[1]!.replace(/''/g, "'").replace('(?s)', ''));
      const js = (re: string) => new RegExp(re, 's');
      if (i > 0 && !js(regexes[0]!).test(text)) return null;
      const replace = regexes[i > 0 ? 1 : 0]!;
      return text.replace(js(replace), i === -1 ? '' : '$1');
    };
    // Expected parts as KQL's split() gives them (delimiters found left to right, not overlapping:
    // Kusto docs, split(); `split("a:::b", "::")` is ["a", ":b"]), written out rather than computed.
    const cases: [text: string, delimiter: string, index: number, part: string | null][] = [
      ['arn:aws:iam::1:user/a/b', '/', -1, 'b'],
      ['a@b.com', '@', 0, 'a'],
      ['a@b.com', '@', 1, 'b.com'],
      ['a@b@c', '@', 2, 'c'],
      ['nouser', '@', 1, null],
      ['nouser', '/', -1, 'nouser'],
      ['a::b::c', '::', 1, 'b'],
      // A delimiter that overlaps itself: the last part starts after the last delimiter found left to right.
      ['a:::b', '::', -1, ':b'],
      ['x--->y', '--', -1, '->y'],
      ['a::::b', '::', -1, 'b'],
      ['a:::b', '::', 1, ':b'],
      // Newlines inside parts and in the delimiter.
      ['one\ntwo/three\nfour', '/', -1, 'three\nfour'],
      ['a\r\nb\r\nc', '\r\n', -1, 'c'],
      ['l1\nl2/x', '/', 0, 'l1\nl2'],
      // Regex metacharacters in the delimiter are literal.
      ['a.b|c.d', '.', -1, 'd'],
      ['a$^b$^c', '$^', 1, 'b'],
      ['x(1)(2)', ')(', -1, '2)'],
      ['a\\b\\c', '\\', -1, 'c'],
    ];
    for (const [text, d, i, part] of cases) expect(run(text, d, i), `${JSON.stringify(text)} ${d} ${i}`).toBe(part);
  });

  it('tostring(split(UserIdentityArn, "/")[-1]) in a rule', () => {
    const t = aql('AWSCloudTrail', 'AWSCloudTrail | extend UserName = tostring(split(UserIdentityArn, "/")[-1]) | where UserName != "root" | project UserName');
    expect(t.aql).toContain(`    REPLACEALL('(?s)^(?:[^\\/]*\\/)*', "userIdentity.arn", '') AS UserName`);
    expect(t.notes.some((n) => n.startsWith('split(...)[i] is written with REPLACEALL'))).toBe(true);
  });

  it('an IF value used as an operand is parenthesized, so its ELSE does not take the operator in', () => {
    const t = aql('AWSCloudTrail', 'AWSCloudTrail | extend N = iff(isempty(UserIdentityUserName), "x", UserIdentityUserName) | where N contains "@" | project N');
    expect(t.aql).toContain(`(IF (username IS NULL OR username = '') THEN 'x' ELSE username) ILIKE '%@%'`);
  });
});

describe('replace_string and replace_regex as REPLACEALL (Java replaceAll)', () => {
  it('replace_string: the text as an escaped regex, the replacement with $ and \\ escaped for Java', () => {
    const t = aql('SigninLogs', 'SigninLogs | extend A = replace_string(UserAgent, "a.b", "$1\\\\x") | project A');
    expect(t.aql).toContain(`    REPLACEALL('a\\.b', "User Agent", '\\$1\\\\x') AS A`);
  });

  it('replace_regex and replace: KQL\'s \\1 becomes Java\'s $1, a literal $ stays literal', () => {
    const t = aql('SigninLogs', 'SigninLogs | extend A = replace_regex(UserAgent, @"(\\w+)/", @"\\1$"), B = replace(@"x", "y", UserAgent) | project A, B');
    expect(t.aql).toContain(`    REPLACEALL('(?d)(\\w+)/', "User Agent", '$1\\$') AS A,`);
    expect(t.aql).toContain(`    REPLACEALL('(?d)x', "User Agent", 'y') AS B`);
    // The same rewrite in a JavaScript engine (which reads $1 as Java does): KQL's result.
    expect('ab/cd/'.replace(/(\w+)\//g, '$1 ')).toBe('ab cd ');
  });
});
