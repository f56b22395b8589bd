import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { translateToAql } from '../../src/backends/aql/translate.js';
import { ExternalDataError } from '../../src/backends/js/externaldata.js';
import { bindOp, checkSchemaAndKql, problemOf, runOp } from './helpers.js';

// https://learn.microsoft.com/kusto/query/externaldata-operator
const URL = 'https://example.org/feeds/known-apps.csv';
const dir = mkdtempSync(join(tmpdir(), 'detc-externaldata-'));
const csv = join(dir, 'apps.csv');
writeFileSync(csv, 'AppId,Name,Seen\n"a1","Contoso, Inc.",3\na2,"Say ""hi""",\n');
const lines = join(dir, 'ips.txt');
writeFileSync(lines, '10.0.0.1\n10.0.0.2\n');

describe('externaldata', () => {
  it.each([
    `externaldata(TorIP:string) [h@"${URL}"] with (ignoreFirstRecord=true)`,
    `externaldata(a:string, b:long) [@"${URL}", "${URL}2"] with (format="csv")`,
    `A | where x !in ((externaldata(k:string) [@"${URL}"] with (format="csv")))`,
    `externaldata(a:string) ["${URL}"]`,
  ])('%s: schema as Kusto.Language computes it; KQL accepted and round-trips', (q) => {
    checkSchemaAndKql(q);
  });

  it('JS without a local copy: an explicit error naming the flag, never a download', () => {
    expect(() => runOp(`externaldata(a:string) ["${URL}"]`, {})).toThrow(ExternalDataError);
    expect(() => runOp(`externaldata(a:string) ["${URL}"]`, {})).toThrow(/^externaldata needs a local copy: --externaldata URL=FILE/);
  });

  it('JS with RunOptions.externalData: CSV with quotes, the header skipped, values typed', () => {
    const out = runOp(`externaldata(AppId:string, Name:string, Seen:long) ["${URL}"] with (format="csv", ignoreFirstRecord=true)`, {}, { externalData: { [URL]: csv } });
    expect(out).toEqual([{ AppId: 'a1', Name: 'Contoso, Inc.', Seen: 3 }, { AppId: 'a2', Name: 'Say "hi"', Seen: null }]);
  });

  it('JS: a watch list read as txt filters events (the rules\' use: x in (externaldata ...))', () => {
    const out = runOp(`A | where x in ((externaldata(ip:string) ["${URL}"] with (format="txt"))) | project x`, { A: [{ x: '10.0.0.2' }, { x: '10.9.9.9' }] }, { externalData: { [URL]: lines } });
    expect(out).toEqual([{ x: '10.0.0.2' }]);
  });

  it('JS: an unreadable copy and an unread format are explicit errors', () => {
    expect(() => runOp(`externaldata(a:string) ["${URL}"]`, {}, { externalData: { [URL]: join(dir, 'missing.csv') } })).toThrow(/cannot read .*missing\.csv, the local copy of/);
    expect(() => runOp(`externaldata(a:string) ["${URL}"] with (format="parquet")`, {}, { externalData: { [URL]: csv } })).toThrow(/format 'parquet' is not read/);
  });

  it('binder and AQL', () => {
    expect(problemOf(`externaldata(a:blob) ["${URL}"]`)).toMatch(/unknown type 'blob'/);
    expect(translateToAql(bindOp(`externaldata(a:string) ["${URL}"]`), undefined, new Set(), undefined).errors[0]!.message).toMatch(/^externaldata has no AQL equivalent/);
  });
});

describe('externaldata through the CLI: --externaldata URL=FILE', async () => {
  const { main } = await import('../../src/cli/main.js');
  const { capture, ruleYaml } = await import('../helpers.js');
  const feed = 'https://example.org/feeds/bad-ips.txt';
  const rule = join(dir, 'feed.yaml');
  writeFileSync(
    rule,
    ruleYaml(`SigninLogs\n| where IPAddress in ((externaldata(ip:string) ["${feed}"] with (format="txt")))\n| project UserPrincipalName, IPAddress`,
      `tests:\n  - name: the feed's address alerts\n    now: 2025-03-01T12:00:00Z\n    events:\n      - { TimeGenerated: 2025-03-01T11:00:00Z, UserPrincipalName: bob, IPAddress: 10.0.0.2 }\n      - { TimeGenerated: 2025-03-01T11:00:00Z, UserPrincipalName: amy, IPAddress: 10.9.9.9 }\n    expect:\n      alerts: 1\n      rows: [{ UserPrincipalName: bob }]\n`),
  );
  const events = join(dir, 'signins.ndjson');
  writeFileSync(events, '{"TimeGenerated":"2025-03-01T11:00:00Z","UserPrincipalName":"bob","IPAddress":"10.0.0.2"}\n');

  it('detc test and detc run read the local copy', async () => {
    const tested = capture();
    expect(await main(['test', rule, '--no-config', '--externaldata', `${feed}=${lines}`], tested)).toBe(0);
    expect(tested.stdout).toContain('1 passed, 0 failed');
    const ran = capture();
    expect(await main(['run', rule, '--no-config', '--events', events, '--format', 'ndjson', '--externaldata', `${feed}=${lines}`], ran)).toBe(0);
    expect(ran.stdout).toContain('"UserPrincipalName":"bob"');
  });

  it('without it: a failed test and a run error that name the flag; a malformed pair is a usage error', async () => {
    const tested = capture();
    expect(await main(['test', rule, '--no-config'], tested)).toBe(1);
    expect(tested.stdout).toContain('externaldata needs a local copy: --externaldata URL=FILE');
    const ran = capture();
    expect(await main(['run', rule, '--no-config', '--events', events], ran)).toBe(1);
    expect(ran.stderr).toContain('externaldata needs a local copy');
    const bad = capture();
    expect(await main(['run', rule, '--no-config', '--events', events, '--externaldata', feed], bad)).toBe(2);
    expect(bad.stderr).toContain('--externaldata takes URL=FILE');
  });
});
