import { fileURLToPath } from 'node:url';

/**
 * The package's root folder (where targets/ and schema/ live). This module sits one level below
 * the root both as src/paths.ts and as build/paths.js, and the CLI bundle is build/detc.cjs, so
 * the same relative URL works in all three.
 */
export const PACKAGE_ROOT = fileURLToPath(new URL('../', import.meta.url));
