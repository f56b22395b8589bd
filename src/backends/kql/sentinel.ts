/**
 * Deployable Sentinel artifacts: the analytic rule YAML (Azure-Sentinel repository format) and ARM
 * templates for Microsoft.SecurityInsights/alertRules.
 */
import { stringify } from 'yaml';
import { parseRuleDuration, toIsoDuration } from '../../rule/duration.js';
import type { Rule } from '../../rule/types.js';

/** Sentinel files as the Azure-Sentinel repository writes them: long lines kept whole, the query as a `|` block. */
const SENTINEL_YAML_OPTIONS = { lineWidth: 0, blockQuote: 'literal' } as const;

/** Keys that are detc's own and never reach Sentinel. */
const DETC_KEYS = ['tests', 'targets', 'falsePositives'] as const;

/** The rule as Sentinel YAML: same keys and order, the query replaced by the emitted KQL. */
export function sentinelYaml(rule: Rule, kql: string): string {
  const out: Record<string, unknown> = {};
  for (const k in rule.raw) {
    if ((DETC_KEYS as readonly string[]).includes(k)) continue;
    out[k] = k === 'query' ? kql : rule.raw[k];
  }
  return stringify(out, SENTINEL_YAML_OPTIONS);
}

const ARM_API_VERSION = '2023-02-01';

const TRIGGER_LONG = { gt: 'GreaterThan', lt: 'LessThan', eq: 'Equal', ne: 'NotEqual' } as const;

/** Properties of a Scheduled (or NRT) alert rule resource, in the API's names. */
export function armProperties(rule: Rule, kql: string): Record<string, unknown> {
  const raw = rule.raw as Record<string, any>;
  const props: Record<string, unknown> = {
    displayName: rule.name,
    description: rule.description,
    severity: rule.severity,
    enabled: raw.enabled ?? true,
    query: kql,
  };
  if (rule.kind === 'Scheduled') {
    props.queryFrequency = toIsoDuration(rule.queryFrequencyMs!);
    props.queryPeriod = toIsoDuration(rule.queryPeriodMs!);
    props.triggerOperator = TRIGGER_LONG[rule.triggerOperator];
    props.triggerThreshold = rule.triggerThreshold;
  }
  const suppression = typeof raw.suppressionDuration === 'string' ? parseRuleDuration(raw.suppressionDuration) : undefined;
  props.suppressionDuration = toIsoDuration(suppression ?? 5 * 3_600_000);
  props.suppressionEnabled = raw.suppressionEnabled ?? false;
  props.tactics = rule.tactics;
  // The stable API takes parent techniques (T1550); sub-techniques stay in the rule file.
  props.techniques = [...new Set(rule.techniques.map((t) => t.split('.')[0]!))];
  if (rule.entityMappings.length) props.entityMappings = rule.entityMappings;
  if (Object.keys(rule.customDetails).length) props.customDetails = rule.customDetails;
  if (rule.alertDetailsOverride) props.alertDetailsOverride = rule.alertDetailsOverride;
  if (raw.eventGroupingSettings) props.eventGroupingSettings = raw.eventGroupingSettings;
  if (raw.incidentConfiguration) props.incidentConfiguration = raw.incidentConfiguration;
  // A rule made from a gallery template names it (alertRuleTemplateName); otherwise there is no
  // template to link to, and claiming the rule's own id as one links it to nothing.
  if (typeof raw.alertRuleTemplateName === 'string') {
    props.alertRuleTemplateName = raw.alertRuleTemplateName;
    if (typeof raw.version === 'string') props.templateVersion = raw.version;
  }
  return props;
}

export function armResource(rule: Rule, kql: string): Record<string, unknown> {
  return {
    type: 'Microsoft.SecurityInsights/alertRules',
    apiVersion: ARM_API_VERSION,
    name: rule.id.toLowerCase(),
    scope: "[format('Microsoft.OperationalInsights/workspaces/{0}', parameters('workspace'))]",
    kind: rule.kind,
    properties: armProperties(rule, kql),
  };
}

const TEMPLATE_HEAD = {
  $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
  contentVersion: '1.0.0.0',
  parameters: {
    workspace: { type: 'string', metadata: { description: 'Name of the Log Analytics workspace with Microsoft Sentinel' } },
  },
};

/** An ARM deployment template holding the given alert rules, with a `workspace` parameter. */
export function armTemplate(resources: Record<string, unknown>[]): string {
  return `${JSON.stringify({ ...TEMPLATE_HEAD, resources }, null, 2)}\n`;
}
