// Build step: compile the JSON Schemas to standalone validator code once, so the CLI does not
// compile them on every start (ajv's compilation is most of a cold `detc check`).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { AJV_OPTIONS } from '../build/schema-validators.js';

mkdirSync('build/validators', { recursive: true });
for (const [name, file] of [['rule', 'schema/rule.schema.json'], ['qradar-mapping', 'schema/qradar-mapping.schema.json'], ['detc-config', 'schema/detc-config.schema.json']]) {
  const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true } });
  const validate = ajv.compile(JSON.parse(readFileSync(file, 'utf8')));
  writeFileSync(`build/validators/${name}.cjs`, standaloneCode.default ? standaloneCode.default(ajv, validate) : standaloneCode(ajv, validate));
}
