import { learnPage, type KnownError } from './knownError';

// The documented limits: legal entities per link and per initial sync, and the transaction limits of
// live synchronization (sync-limits.md, troubleshooting initial setup).

const SYNC_LIMITS = learnPage('sync-limits');

export const LIMIT_ERRORS: KnownError[] = [
  {
    id: 'partitions-exceeded',
    area: 'limits',
    title: 'Exceeds the maximum partitions allowed for mapping',
    match: { text: /Exceeds the maximum partitions allowed for mapping/i },
    cause:
      'More than about 250 legal entities are linked between the environments (live synchronization supports up to 250 legal entities).',
    fix: 'Link 250 legal entities or fewer: remove legal entities from the link before you enable the maps.',
    source: learnPage('dual-write-troubleshooting-initial-setup'),
    detection: { doctorCheck: 'financeOps.legalEntityCount', failurePattern: true },
  },
  {
    id: 'initial-sync-legal-entities',
    area: 'limits',
    title: 'More than 40 legal entities in one initial sync',
    match: {},
    cause:
      'Initial synchronization supports only 40 legal entities, because of larger data volumes and related operations.',
    fix: 'Run the initial sync for 40 legal entities or fewer at a time (add the others to the link with their initial writes skipped, then sync them in groups).',
    source: SYNC_LIMITS,
    detection: {
      doctorCheck: 'financeOps.legalEntityCount',
      failurePattern: false,
      note: 'Microsoft documents the limit but not the text of the error, so only the count is checked.',
    },
  },
  {
    id: 'transaction-limits',
    area: 'limits',
    title: 'Message size exceeded when sending context to Sandbox',
    match: { text: /-2147220970|Message size exceeded when sending context to Sandbox/i },
    cause:
      'A live synchronization transaction exceeds the limits: 1,000 records per transaction and 2 minutes from finance and operations to Dataverse; 116.85 MB per transaction and 2 minutes from Dataverse to finance and operations.',
    fix: 'Split the transaction into several transactions (for example 1,000 records each).',
    source: SYNC_LIMITS,
    detection: {
      failurePattern: true,
      note: 'It depends on the size of the business transactions, not on the setup.',
    },
  },
];
