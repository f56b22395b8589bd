/**
 * JSON Schema validators. `npm run build` precompiles them to build/validators/*.cjs; when that
 * file is missing or older than the schema (running from source, in tests), ajv compiles the
 * schema here instead. Both give the same validator. String lengths (maxLength) count UTF-16
 * code units (`unicode: false`), as .NET strings, and so Sentinel's limits, do; ajv marks that
 * option deprecated and would log so on every start (`logger: false`).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Ajv as AjvClass, ValidateFunction } from 'ajv';
import { PACKAGE_ROOT } from './paths.js';

const cache = new Map<string, ValidateFunction>();

/** The schemas in schema/ (each precompiled by scripts/precompile-schemas.mjs). */
export type SchemaName = 'rule' | 'qradar-mapping' | 'detc-config';

/** ajv's options for both schemas, here and in the build step that precompiles them. */
export const AJV_OPTIONS = { allErrors: true, strict: false, unicode: false, logger: false } as const;

export function schemaValidator(name: SchemaName): ValidateFunction {
  let v = cache.get(name);
  if (v) return v;
  const schema = schemaPath(name);
  const precompiled = join(PACKAGE_ROOT, 'build', 'validators', `${name}.cjs`);
  const require = createRequire(import.meta.url);
  if (existsSync(precompiled) && statSync(precompiled).mtimeMs >= statSync(schema).mtimeMs) {
    v = require(precompiled) as ValidateFunction;
  } else {
    // Required here, not imported: the CLI (precompiled validators) never loads ajv's compiler.
    const { Ajv } = require('ajv') as { Ajv: typeof AjvClass };
    v = new Ajv(AJV_OPTIONS).compile(JSON.parse(readFileSync(schema, 'utf8')));
  }
  cache.set(name, v);
  return v;
}

export function schemaPath(name: SchemaName): string {
  return join(PACKAGE_ROOT, 'schema', `${name}.schema.json`);
}
