import { learnPage, type KnownError } from './knownError';

// Errors of the initial synchronization of a map (troubleshooting initial sync page).

const INITIAL_SYNC = learnPage('dual-write-troubleshooting-initial-sync');

export const INITIAL_SYNC_ERRORS: KnownError[] = [
  {
    id: 'ax-export-error',
    area: 'initial-sync',
    title: '400 Bad Request: AX export encountered an error',
    match: { text: /\(400\) Bad Request\.\),? AX export encountered an error/i },
    cause:
      'The Microsoft Dynamics 365 Data import export framework service of the finance and operations app is stopped; the initial synchronization requires it.',
    fix: 'Sign in to the finance and operations VM, open Microsoft Management Console and, under Services, start the Microsoft Dynamics 365 Data import export framework service.',
    source: INITIAL_SYNC,
    detection: { failurePattern: true, note: 'No API reads the state of that Windows service.' },
  },
  {
    id: 'initial-sync-403',
    area: 'initial-sync',
    title: '403 Forbidden: AX export encountered an error',
    match: { text: /\(403\) Forbidden\.\),? AX export encountered an error/i },
    cause: "The DtAppID client on finance and operations' Microsoft Entra applications page no longer works.",
    fix: 'In the finance and operations app, on the Microsoft Entra applications page, delete the DtAppID client, and then add it again.',
    source: INITIAL_SYNC,
    detection: { failurePattern: true, note: 'The Microsoft Entra applications page has no public read.' },
  },
  {
    id: 'guid-resolve',
    area: 'initial-sync',
    title: "Couldn't resolve the guid for the field",
    match: { text: /Couldn't resolve the guid for the field/i },
    cause:
      'A lookup of the synced rows points at a row that is not in Dataverse yet: a self-referencing or circular column (InvoiceAccount, ContactPersonID, PrimaryContactPersonId, InvoiceVendorAccountNumber) or reference data whose map has not run.',
    fix: 'Run the maps of the reference data first. For self or circular references: delete those columns from the map, turn off change tracking for the entity, run the initial sync, sync the contacts map, add the columns back, run the initial sync again, then turn change tracking back on.',
    source: INITIAL_SYNC,
    detection: {
      failurePattern: true,
      note: 'The bot runs the maps a map depends on before it (docs/domain.md); self references are in the data.',
    },
  },
  {
    id: 'too-many-lookups',
    area: 'initial-sync',
    title: 'Initial sync of a map with more than 10 lookup fields',
    match: { text: /CRMExport: Package execution complete\.[\s\S]*Attempts to get data from/i },
    cause: 'The query of the initial sync can expand at most 10 lookups; the map has more.',
    fix: 'Remove optional lookup fields so that 10 or fewer remain, save and run the initial sync; then add the others in groups of 10 or fewer and sync again; finally add all the lookups back and run the map with Skip initial sync.',
    source: INITIAL_SYNC,
    detection: { failurePattern: true, note: 'The map definitions (its lookups) have no public read.' },
  },
];
