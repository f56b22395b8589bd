import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectFreshBuild } from './built-cli.js';
import { defaultCacheDir } from '../../src/backends/kql/kusto-cache.js';
import { main } from '../../src/cli/main.js';
import { capture } from '../helpers.js';

const RULE = 'rules/cloud_app_integration_entra_audit.yaml';

describe("the Kusto verdict cache is the user's, not the project's", () => {
  it('its default place: $XDG_CACHE_HOME/detc, else the platform cache folder of the home folder', () => {
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/x/cache' }, 'linux', '/home/u')).toBe(join('/x/cache', 'detc'));
    expect(defaultCacheDir({}, 'linux', '/home/u')).toBe(join('/home/u', '.cache', 'detc'));
    expect(defaultCacheDir({}, 'darwin', '/Users/u')).toBe(join('/Users/u', 'Library', 'Caches', 'detc'));
    expect(defaultCacheDir({ LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, 'win32', 'C:\\Users\\u')).toBe(join('C:\\Users\\u\\AppData\\Local', 'detc', 'Cache'));
    expect(defaultCacheDir({}, 'linux', '')).toMatch(/detc-cache-/);
  });

  it('detc check with the Kusto check writes nothing in the current folder; its verdicts go to ~/.cache/detc', () => {
    expectFreshBuild();
    const project = mkdtempSync(join(tmpdir(), 'detc-cwd-'));
    const home = mkdtempSync(join(tmpdir(), 'detc-home-'));
    mkdirSync(join(project, 'rules'));
    copyFileSync(RULE, join(project, 'rules', 'r.yaml'));
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home };
    delete env.XDG_CACHE_HOME;
    delete env.DETC_NO_CACHE;
    const r = spawnSync(process.execPath, [resolve('bin/detc.js'), 'check', '--target', 'kql'], { cwd: project, env, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(readdirSync(project)).toEqual(['rules']);
    expect(existsSync(join(home, '.cache', 'detc', 'kusto.json'))).toBe(true);
  });

  it('--cache DIR puts it there; --no-cache keeps none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'detc-cache-'));
    const io = capture();
    expect(await main(['check', '--no-config', '--target', 'kql', '--cache', dir, RULE], io), io.stderr).toBe(0);
    expect(readdirSync(dir)).toEqual(['kusto.json']);

    const xdg = mkdtempSync(join(tmpdir(), 'detc-xdg-'));
    const saved = { XDG_CACHE_HOME: process.env.XDG_CACHE_HOME, DETC_NO_CACHE: process.env.DETC_NO_CACHE };
    process.env.XDG_CACHE_HOME = xdg;
    delete process.env.DETC_NO_CACHE;
    try {
      const none = capture();
      expect(await main(['check', '--no-config', '--target', 'kql', '--no-cache', RULE], none), none.stderr).toBe(0);
      expect(readdirSync(xdg)).toEqual([]);
      const byDefault = capture();
      expect(await main(['check', '--no-config', '--target', 'kql', RULE], byDefault), byDefault.stderr).toBe(0);
      expect(readdirSync(join(xdg, 'detc'))).toEqual(['kusto.json']);
    } finally {
      for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
});
