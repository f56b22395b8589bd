/**
 * OfficeActivity columns real Sentinel rules filter on (corpus: microsoft-365/*.yaml), as the
 * bundled QRadar mapping reads them. Column meanings: Office 365 Management Activity API schema,
 * https://learn.microsoft.com/office/office-365-management-api/office-365-management-activity-api-schema
 * (SharePoint base schema EventSource, common schema Id and RecordType, Microsoft Teams schema
 * Members and TeamName).
 */
import { describe, expect, it } from 'vitest';
import { aql } from './helpers.js';

describe('OfficeActivity to AQL: columns the corpus rules read', () => {
  it('sharepoint_file_transfer_above_threshold.yaml\'s filter: EventSource from its custom property, next to workload and operation', () => {
    // The corpus rule's where clause, with dcount in place of its count_distinct/make_set (no AQL equivalent).
    const t = aql('OfficeActivity | where EventSource == "SharePoint" and OfficeWorkload has_any("SharePoint", "OneDrive") and Operation has_any ("FileDownloaded", "FileUploaded") | summarize Files = dcount(OfficeObjectId) by UserId, ClientIP, bin(TimeGenerated, 15m) | where Files >= 5000');
    expect(t.errors).toEqual([]);
    expect(t.aql).toBe(`SELECT /* detc:
   note: TimeGenerated is a time bucket in milliseconds since the epoch (starttime), not a formatted date
*/
    username AS UserId,
    sourceip AS ClientIP,
    (starttime - starttime % 900000) AS TimeGenerated,
    UNIQUECOUNT((IF "Object ID" IS NULL THEN '' ELSE "Object ID")) AS Files
FROM events
WHERE devicetype IN (397)
    AND "SharePoint Event Source" = 'SharePoint'
    AND CATEGORYNAME(category) IMATCHES '(?s).*(?:(?<![\\p{L}\\p{N}])SharePoint(?![\\p{L}\\p{N}])|(?<![\\p{L}\\p{N}])OneDrive(?![\\p{L}\\p{N}])).*'
    AND QIDNAME(qid) IMATCHES '(?s).*(?:(?<![\\p{L}\\p{N}])FileDownloaded(?![\\p{L}\\p{N}])|(?<![\\p{L}\\p{N}])FileUploaded(?![\\p{L}\\p{N}])).*'
GROUP BY username, sourceip, TimeGenerated
HAVING Files >= 5000
LAST 1 HOURS
`);
  });

  it('Teams and SharePoint rules\' projections: UserAgent, TeamName and OfficeId are read from their properties', () => {
    const t = aql('OfficeActivity | where OfficeWorkload =~ "MicrosoftTeams" and Operation == "TeamDeleted" | where isnotempty(UserAgent) | project TimeGenerated, UserId, TeamName, UserAgent, OfficeId');
    expect(t.errors).toEqual([]);
    expect(t.aql).toBe(`SELECT
    starttime AS TimeGenerated,
    username AS UserId,
    "Team Name" AS TeamName,
    "User Agent" AS UserAgent,
    "Record ID" AS OfficeId
FROM events
WHERE devicetype IN (397)
    AND CATEGORYNAME(category) ILIKE 'MicrosoftTeams'
    AND QIDNAME(qid) = 'TeamDeleted'
    AND ("User Agent" IS NOT NULL AND "User Agent" <> '')
LAST 1 HOURS
`);
  });

  it('RecordType compared with a name is the API\'s number (mapping rewrite, AuditLogRecordType); read as a value it is an explicit error', () => {
    // Microsoft, Office 365 Management Activity API schema: AuditLogRecordType, SharePointFileOperation = 6, AzureActiveDirectoryStsLogon = 15.
    const t = aql('OfficeActivity | where RecordType =~ "SharePointFileOperation" | project UserId');
    expect(t.aql).toContain('    AND ("Record Type" = 6)\n');
    const list = aql('OfficeActivity | where RecordType in ("AzureActiveDirectoryAccountLogon", "AzureActiveDirectoryStsLogon") | project UserId');
    expect(list.aql).toContain('    AND (("Record Type" = 9) OR ("Record Type" = 15))\n');
    // A name the mapping does not list, or the column as a value (its text would be the number): refused.
    const other = aql('OfficeActivity | where RecordType == "PowerBIAudit" | project UserId');
    expect(other.errors.map((e) => e.message)).toEqual([expect.stringMatching(/^column RecordType has no QRadar equivalent \(.*OfficeActivity\.yaml: the Management Activity API sends RecordType as a number/)]);
    expect(aql('OfficeActivity | project RecordType').aql).toBeUndefined();
  });

  it('Members (a list of team members) is an explicit error, not a property read', () => {
    const t = aql('OfficeActivity | where Members has "#EXT#"');
    expect(t.aql).toBeUndefined();
    expect(t.errors.map((e) => e.message)).toEqual([expect.stringMatching(/^column Members has no QRadar equivalent \(.*a list of team members/)]);
  });
});
