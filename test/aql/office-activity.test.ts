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
    UNIQUECOUNT("Object ID") AS Files
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

  it('RecordType is an explicit error: the API sends a number where Sentinel has a name, so a comparison would never match', () => {
    const t = aql('OfficeActivity | where RecordType =~ "SharePointFileOperation"');
    expect(t.aql).toBeUndefined();
    expect(t.errors.map((e) => e.message)).toEqual([expect.stringMatching(/^column RecordType has no QRadar equivalent \(.*OfficeActivity\.yaml: the Management Activity API sends RecordType as a number/)]);
  });

  it('Members (a list of team members) is an explicit error, not a property read', () => {
    const t = aql('OfficeActivity | where Members has "#EXT#"');
    expect(t.aql).toBeUndefined();
    expect(t.errors.map((e) => e.message)).toEqual([expect.stringMatching(/^column Members has no QRadar equivalent \(.*a list of team members/)]);
  });
});
