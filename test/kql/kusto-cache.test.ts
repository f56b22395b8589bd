import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';

// The Kusto.Language verdict cache lives in the user's cache folder ($XDG_CACHE_HOME/detc), so the
// test runs it in a child process whose cache folder is a temporary one.
it('the Kusto verdict cache answers a known query without analysing it, and keeps what other writers added', () => {
  const dir = mkdtempSync(join(tmpdir(), 'detc-kcache-'));
  const cache = pathToFileURL(resolve('build/backends/kql/kusto-cache.js')).href;
  const tables = pathToFileURL(resolve('build/ir/tables.js')).href;
  const script = `
    import { readFileSync, writeFileSync } from 'node:fs';
    const { cachedKustoDiagnostics } = await import(${JSON.stringify(cache)});
    const { loadTables } = await import(${JSON.stringify(tables)});
    const t = loadTables();
    const file = 'detc/kusto.json';
    let analysed = 0;
    const verdict = (q) => cachedKustoDiagnostics(q, t, () => (analysed++, [{ code: 'KS1', message: q, start: 0, length: 1 }]));
    const first = verdict('SigninLogs | take 1');
    // Another thread or build writes its own verdict into the file meanwhile.
    const other = JSON.parse(readFileSync(file, 'utf8'));
    other['written-by-another-thread'] = [];
    writeFileSync(file, JSON.stringify(other));
    verdict('AuditLogs | take 1');
    const again = verdict('SigninLogs | take 1');
    const keys = Object.keys(JSON.parse(readFileSync(file, 'utf8')));
    console.log(JSON.stringify({ analysed, same: JSON.stringify(first) === JSON.stringify(again), keys: keys.length, other: keys.includes('written-by-another-thread') }));
  `;
  const env = { ...process.env, XDG_CACHE_HOME: dir };
  delete env.DETC_NO_CACHE;
  const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, env, encoding: 'utf8' }));
  expect(out).toEqual({ analysed: 2, same: true, keys: 3, other: true });
  rmSync(dir, { recursive: true, force: true });
});
