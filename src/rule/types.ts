import type { QueryMap } from './load.js';
import type { YamlSource } from './yaml.js';

export type TriggerOperator = 'gt' | 'lt' | 'eq' | 'ne';

interface FieldMapping {
  readonly identifier: string;
  readonly columnName: string;
}
interface EntityMapping {
  readonly entityType: string;
  readonly fieldMappings: readonly FieldMapping[];
}

/** A validated rule file: Sentinel metadata, the query, and where everything is in the file. */
export interface Rule {
  readonly source: YamlSource;
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly severity: string;
  readonly kind: 'Scheduled' | 'NRT';
  readonly queryFrequencyMs?: number;
  readonly queryPeriodMs?: number;
  readonly triggerOperator: TriggerOperator;
  readonly triggerThreshold: number;
  readonly tactics: readonly string[];
  readonly techniques: readonly string[];
  readonly query: string;
  readonly queryMap: QueryMap;
  readonly entityMappings: readonly EntityMapping[];
  readonly customDetails: Readonly<Record<string, string>>;
  readonly alertDetailsOverride?: {
    readonly alertDisplayNameFormat?: string;
    readonly alertDescriptionFormat?: string;
    readonly alertTacticsColumnName?: string;
    readonly alertSeverityColumnName?: string;
  };
  readonly aggregationKind: 'SingleAlert' | 'AlertPerResult';
  /** The YAML document as plain data (artifacts start from it). */
  readonly raw: Readonly<Record<string, unknown>>;
}
