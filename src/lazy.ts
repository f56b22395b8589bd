/**
 * Libraries that only some commands or some rules need, loaded on first use rather than at
 * start-up. The CLI bundle leaves them out, so a cold `detc check` neither compiles nor
 * initialises them: the `yaml` library (rule files in the common shape go through the fast
 * reader, and check writes no Sentinel YAML), RE2JS (only `matches regex` needs it) and prettier
 * (only for a JavaScript module whose data the direct layout declines: see data-layout.ts). They are required, not imported: the CLI bundle runs
 * as a script from V8's code cache (bin/detc.js), where a dynamic import() has no loader.
 */
import { createRequire } from 'node:module';

type YamlLibrary = typeof import('yaml');
type Re2jsLibrary = typeof import('re2js');
type PrettierLibrary = typeof import('prettier');

const require = createRequire(import.meta.url);
let yaml: YamlLibrary | undefined;
let re2js: Re2jsLibrary | undefined;
let prettier: PrettierLibrary | undefined;

export const yamlLibrary = (): YamlLibrary => (yaml ??= require('yaml') as YamlLibrary);
export const re2jsLibrary = (): Re2jsLibrary => (re2js ??= require('re2js') as Re2jsLibrary);
// prettier's CommonJS entry has the same asynchronous API and imports its ESM core itself.
export const prettierLibrary = (): PrettierLibrary => (prettier ??= require('prettier') as PrettierLibrary);
