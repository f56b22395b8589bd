/**
 * Plugins Kusto.Language accepts but whose Microsoft page applies to Azure Data Explorer only
 * (https://learn.microsoft.com/kusto/query/ipv4-lookup-plugin: "Applies to: Azure Data Explorer"):
 * the KQL backend warns at the plugin, since a Sentinel workspace may reject the rule.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { capture, ruleYaml } from '../helpers.js';

describe('operators documented for Azure Data Explorer only', () => {
  it('evaluate ipv4_lookup is a warning DTC4002 at its line; the same rule without it has none, even with a literal that looks like it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'detc-adx-'));
    const nets = 'let Nets = datatable(network:string, site:string)["10.0.0.0/8", "hq"];';
    writeFileSync(join(dir, 'lookup.yaml'), ruleYaml(`${nets}\nSigninLogs\n| evaluate ipv4_lookup(Nets, IPAddress, network)\n| project UserPrincipalName, site`));
    // A dynamic literal that looks like the IR of the plugin is data: no warning for it.
    const lookAlike = 'dynamic({"op": "evaluate", "plugin": "ipv4_lookup", "span": {"start": 0}})';
    writeFileSync(join(dir, 'plain.yaml'), ruleYaml(`${nets}\nSigninLogs\n| where ipv4_is_in_any_range(IPAddress, "10.0.0.0/8")\n| extend d = ${lookAlike}\n| project UserPrincipalName, d`).replace(/^id: .*$/m, 'id: 22222222-2222-3333-4444-555555555555'));
    const io = capture();
    expect(await main(['check', dir, '--no-kusto', '--no-config', '--target', 'kql'], io)).toBe(0);
    expect(io.stderr).toMatch(/lookup\.yaml:11:5: warning DTC4002: evaluate ipv4_lookup is documented for Azure Data Explorer only/);
    expect(io.stderr).not.toMatch(/plain\.yaml.*DTC4002/);
    rmSync(dir, { recursive: true, force: true });
  });
});
