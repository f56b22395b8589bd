/**
 * Sentinel entity identifiers per entity type (facts from the Azure-Sentinel repository's
 * validation: EntityMappingIdentifiers.cs). `strong` lists the identifying fields, at least one
 * of which Sentinel needs to create the entity.
 */
export interface EntityIdentifiers {
  readonly all: readonly string[];
  readonly strong: readonly string[];
}

const e = (all: string[], strong: string[]): EntityIdentifiers => ({ all, strong });

export const ENTITY_IDENTIFIERS: Record<string, EntityIdentifiers> = {
  Account: e(['Name', 'FullName', 'NTDomain', 'DnsDomain', 'UPNSuffix', 'Sid', 'AadTenantId', 'AadUserId', 'PUID', 'IsDomainJoined', 'DisplayName', 'ObjectGuid', 'CloudAppAccountId'], ['Name', 'FullName', 'Sid', 'AadUserId', 'PUID', 'ObjectGuid', 'CloudAppAccountId']),
  Host: e(['DnsDomain', 'NTDomain', 'HostName', 'FullName', 'NetBiosName', 'AzureID', 'OMSAgentID', 'OSFamily', 'OSVersion', 'IsDomainJoined'], ['HostName', 'FullName', 'NetBiosName', 'AzureID', 'OMSAgentID']),
  IP: e(['Address'], ['Address']),
  CloudApplication: e(['AppId', 'Name', 'InstanceName'], ['AppId', 'Name']),
  AzureResource: e(['ResourceId'], ['ResourceId']),
  DNS: e(['DomainName'], ['DomainName']),
  File: e(['Directory', 'Name'], ['Name']),
  FileHash: e(['Algorithm', 'Value'], ['Value']),
  URL: e(['Url'], ['Url']),
  Process: e(['ProcessId', 'CommandLine', 'ElevationToken', 'CreationTimeUtc'], ['ProcessId', 'CommandLine']),
  RegistryKey: e(['Hive', 'Key'], ['Hive', 'Key']),
  RegistryValue: e(['Name', 'Value', 'ValueType'], ['Name']),
  Mailbox: e(['MailboxPrimaryAddress', 'DisplayName', 'Upn', 'ExternalDirectoryObjectId', 'RiskLevel'], ['MailboxPrimaryAddress']),
  SecurityGroup: e(['DistinguishedName', 'SID', 'ObjectGuid'], ['DistinguishedName', 'SID', 'ObjectGuid']),
  Malware: e(['Name', 'Category'], ['Name']),
  MailCluster: e(['NetworkMessageIds', 'CountByDeliveryStatus', 'CountByThreatType', 'CountByProtectionStatus', 'Threats', 'Query', 'QueryTime', 'MailCount', 'IsVolumeAnomaly', 'Source', 'ClusterSourceIdentifier', 'ClusterSourceType', 'ClusterQueryStartTime', 'ClusterQueryEndTime', 'ClusterGroup'], ['Query', 'Source']),
  MailMessage: e(['Recipient', 'Urls', 'Threats', 'Sender', 'P1Sender', 'P1SenderDisplayName', 'P1SenderDomain', 'SenderIP', 'P2Sender', 'P2SenderDisplayName', 'P2SenderDomain', 'ReceivedDate', 'NetworkMessageId', 'InternetMessageId', 'Subject', 'BodyFingerprintBin1', 'BodyFingerprintBin2', 'BodyFingerprintBin3', 'BodyFingerprintBin4', 'BodyFingerprintBin5', 'AntispamDirection', 'DeliveryAction', 'DeliveryLocation', 'Language', 'ThreatDetectionMethods'], ['NetworkMessageId', 'Recipient']),
  SubmissionMail: e(['SubmissionId', 'SubmissionDate', 'Submitter', 'NetworkMessageId', 'Timestamp', 'Recipient', 'Sender', 'SenderIp', 'Subject', 'ReportType'], ['SubmissionId', 'NetworkMessageId', 'Recipient', 'Sender']),
};
