import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';

/**
 * The SARIF 2.1.0 JSON Schema (rtm.5, the published 2.1.0 schema), as shipped by the npm package
 * @microsoft/jest-sarif 1.0.0-beta.0 (lib/schemas/sarif-2.1.0-rtm.5.json, MIT). It is a draft-04
 * schema: Ajv 8 reads it as draft-07 once its `id` is `$id` (it uses no other draft-04-only keyword);
 * one of its patterns is not valid with the u flag, hence unicodeRegExp: false.
 */
export function sarifValidator() {
  const { $schema: _draft04, id, ...schema } = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures/sarif-2.1.0-rtm.5.json'), 'utf8')) as Record<string, unknown>;
  const isUriReference = (s: string) => URL.canParse(s, 'file:///') && !/\s/.test(s);
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false, formats: { uri: (s: string) => URL.canParse(s), 'uri-reference': isUriReference, 'date-time': (s: string) => !Number.isNaN(Date.parse(s)) } });
  return ajv.compile({ $id: id as string, ...schema });
}

