/**
 * Libraries that only some rules need, loaded on first use rather than at start-up, so a cold
 * `detc check` neither loads nor initialises them: RE2JS (only `matches regex` needs it). The CLI
 * bundle (scripts/bundle.mjs) leaves it out. Kusto.Language is loaded the same way, in
 * backends/kql/kusto.ts, and only when KQL is validated.
 */
import { createRequire } from 'node:module';

type Re2jsLibrary = typeof import('re2js');

const require = createRequire(import.meta.url);
let re2js: Re2jsLibrary | undefined;

export const re2jsLibrary = (): Re2jsLibrary => (re2js ??= require('re2js') as Re2jsLibrary);
