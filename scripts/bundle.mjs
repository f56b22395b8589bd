// Build step: bundle the command line into one CommonJS script, build/detc.cjs, and fill V8's code
// cache for it by running one `detc check` (bin/detc.js explains the cache). Libraries that only
// some commands need stay outside the bundle and are required on first use (src/lazy.ts).
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

await build({
  entryPoints: ['build/cli/main.js'],
  outfile: 'build/detc.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['@kusto/language-service-next', 'prettier', 'yaml', 're2js'],
  // The modules locate the package (targets/, schema/, build/validators/) from their own URL.
  define: { 'import.meta.url': '__detc_bundle_url' },
  banner: { js: "const __detc_bundle_url = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
});

for (const f of readdirSync('build')) if (f.endsWith('.v8cache') || f === 'detc.mjs') rmSync(`build/${f}`);
// --no-kusto: the warm-up must not depend on Kusto.Language's verdict cache or take its load time.
// Its verdict on the rule does not matter (the cache is written either way); a missing cache only
// makes every start slower, so it is a warning.
spawnSync(process.execPath, ['bin/detc.js', 'check', '--no-kusto', 'rules/third_party_integrated_apps.yaml'], { stdio: 'ignore' });
if (!readdirSync('build').some((f) => f.endsWith('.v8cache'))) console.warn('bundle: no V8 code cache was written; the CLI will start without one');
