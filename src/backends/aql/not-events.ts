/**
 * Sentinel tables that are not events in QRadar, so no mapping can make them a log source, and
 * what QRadar has instead. A rule reading one gets this reason rather than "no mapping".
 */
export const NOT_EVENTS: Readonly<Record<string, string>> = {
  // QRadar keeps threat intelligence in reference data (sets, maps, tables), filled by its Threat
  // Intelligence app from STIX/TAXII feeds, not as events in the Ariel database; a query tests an
  // event field against it with REFERENCESETCONTAINS('set', value) (AQL-FACTS §6: a README linking
  // IBM's AQL data functions page, and real app queries).
  ThreatIntelligenceIndicator:
    "ThreatIntelligenceIndicator has no QRadar log source: QRadar keeps threat indicators in reference sets (filled by its Threat Intelligence app from STIX/TAXII feeds), not as events; match events against them in QRadar with REFERENCESETCONTAINS('set', field)",
};

/** Why `table` cannot be read in AQL, when it has no mapping. */
export function unmappedReason(table: string): string {
  return Object.hasOwn(NOT_EVENTS, table) ? NOT_EVENTS[table]! : `table ${table} has no QRadar mapping (targets/qradar/${table}.yaml, or --qradar-mappings): it has no known QRadar log source`;
}
