import { learnPage, type KnownError } from './knownError';

// Errors of live synchronization once the maps run (troubleshooting live sync page): the dual-write
// plug-in runs inside the Dataverse transaction, so a row written in Dataverse fails with them. A
// setup meets them in the bootstrap, whose stamps write rows of mapped tables while the maps run.

const LIVE_SYNC = learnPage('dual-write-troubleshooting-live-sync');

export const LIVE_SYNC_ERRORS: KnownError[] = [
  {
    id: '0x80072560',
    area: 'live-sync',
    title: '0x80072560 The user is not a member of the organization',
    match: { text: /0x80072560|The user is not a member of the organization/i },
    cause:
      "The dual-write application users in Dataverse don't have the system admin role, or the default owning team doesn't.",
    fix: 'Follow System requirements and prerequisites: give the dual-write application users created in Dataverse the system admin role, and the default owning team too.',
    source: LIVE_SYNC,
    detection: {
      doctorCheck: 'dataverse.applicationUsers',
      failurePattern: true,
      note: "The bootstrap's stamps meet it in Dataverse.",
    },
  },
  {
    id: 'unable-to-write-entity',
    area: 'live-sync',
    title: 'Unable to write data to entity',
    match: { text: /Unable to write data to entity/i },
    cause:
      'Prerequisite reference data is missing on one side (for example the customer group of a customer in Dataverse), or the map has stale rows in DualWriteProjectConfigurationEntity.',
    fix: 'Make sure the reference data exists in both apps. If it does, open DualWriteProjectConfigurationEntity with the Excel add-in, delete the two records of the failing map and project, and publish the change.',
    source: LIVE_SYNC,
    detection: {
      failurePattern: true,
      note: "It depends on the rows being written; the bootstrap's stamps meet it in Dataverse.",
    },
  },
  {
    id: 'secureconfig-mismatch',
    area: 'live-sync',
    title: 'SecureConfig Organization does not match actual CRM Organization',
    match: { text: /SecureConfig Organization .* does not match actual CRM Organization/i },
    cause:
      'A full database copy brought the dual-write configuration of one system into another; the runtime plug-in refuses to use it.',
    fix: 'After restoring the database, delete all the records in the msdyn_dualwriteruntimeconfig table, then unlink and relink the environments.',
    source: LIVE_SYNC,
    detection: {
      failurePattern: true,
      note: "The runtime configuration is read only by the plug-in; it shows on the first write, the bootstrap's first stamp.",
    },
  },
];
