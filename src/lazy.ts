/**
 * Libraries that only some rules or commands need, loaded on first use rather than at start-up,
 * so a cold `detc check` neither loads nor initialises them: RE2JS (only `matches regex` needs
 * it) and prettier (only when the JavaScript backend formats a module). The CLI bundle (scripts/bundle.mjs) leaves them out. Kusto.Language is loaded
 * the same way, in backends/kql/kusto.ts, and only when KQL is validated.
 */
import { createRequire } from 'node:module';

type Re2jsLibrary = typeof import('re2js');
type PrettierLibrary = typeof import('prettier');

const require = createRequire(import.meta.url);
let re2js: Re2jsLibrary | undefined;
let prettier: PrettierLibrary | undefined;

export const re2jsLibrary = (): Re2jsLibrary => (re2js ??= require('re2js') as Re2jsLibrary);
// prettier's CommonJS entry has the same asynchronous API and imports its ESM core itself.
export const prettierLibrary = (): PrettierLibrary => (prettier ??= require('prettier') as PrettierLibrary);
