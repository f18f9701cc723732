import { learnPage, type KnownError } from './knownError';

// Errors of adding and running table maps: the dual-write module page and the DIPV validation codes
// of the error codes page (the four the issue names; the others read the same way).

const MODULE = learnPage('dual-write-troubleshooting-dual-write-module');
const ERROR_CODES = learnPage('dual-write-error-codes');
const NO_READ = 'No API reads a map definition before it is run; the error shows when the map is started.';

export const MAP_ERRORS: KnownError[] = [
  {
    id: 'map-401-not-link-owner',
    area: 'maps',
    title: '401 (Unauthorized) creating a table map',
    match: { text: /Response status code does(?:n't| not) indicate success: 401 \(Unauthorized\)/i },
    cause: 'The only user that can create a map is the user who set up the dual-write connection.',
    fix: 'Create the map signed in as the user who set up the dual-write link.',
    source: MODULE,
    detection: {
      failurePattern: true,
      note: 'No public API names the user who set up the link, so no check can tell beforehand.',
    },
  },
  {
    id: 'tokenexchange-403',
    area: 'maps',
    title: '403 (tokenexchange) linking or adding a map',
    match: { text: /403 \(tokenexchange\)/i },
    cause:
      "The user doesn't have sufficient permissions to link dual-write or create maps, or the Dataverse environment was reset without unlinking dual-write.",
    fix: 'Link as a user with the System administrator role in both Finance and Operations and Dataverse; add table maps as the user who set up the connection. After a Dataverse reset, unlink and link again.',
    source: MODULE,
    detection: {
      failurePattern: true,
      note: 'The roles of the signed-in person are not readable by the bot, which signs in as an application.',
    },
  },
  {
    id: 'user-not-allowed-connection',
    area: 'maps',
    title: 'User is not allowed to access connection',
    match: { text: /User is not allowed to access connection/i },
    cause: "The linked Dataverse environment isn't available.",
    fix: 'Create a ticket for the Data Integration team and attach the network trace, so they can mark the maps as Not running in the back end.',
    source: MODULE,
    detection: {
      failurePattern: true,
      note: 'It shows when a map is stopped (the initial sync stops a running map before its Refresh); the doctor reads the Dataverse environment itself (token.dataverse).',
    },
  },
  {
    id: 'lookup-metadata',
    area: 'maps',
    title: 'Unable to build dual-write lookup metadata',
    match: { text: /Unable to build dual-write lookup metadata/i },
    cause: 'The map has dependent maps that are not running, or it misses source or destination columns.',
    fix: 'Enable the dependent maps of this table map first; if a Dataverse column is missing, select Refresh tables on the map; if a finance and operations column is missing, follow "Missing table columns issue on maps".',
    source: MODULE,
    detection: {
      failurePattern: true,
      note: 'The bot starts every map after the maps it depends on (docs/domain.md), which removes the first cause.',
    },
  },
  {
    id: 'solution-version-mismatch',
    area: 'maps',
    title: "Dynamics 365 for Sales solution '...' has version mismatch",
    match: { text: /solution '[^']+' has version mismatch/i },
    cause:
      "A dual-write solution in Dataverse (Dynamics365Company, Dynamics365FinanceExtended, Dynamics365FinanceAndOperationsCommon, CurrencyExchangeRates, Dynamics365SupplyChainExtended) is older than the map's required version.",
    fix: 'Update the dual-write solutions in Dataverse to the latest version that matches the required solution version.',
    source: MODULE,
    detection: {
      failurePattern: true,
      note: 'The required version is known only to the map that asks for it; the doctor reads the installed versions.',
    },
  },
  {
    id: 'dipv1003',
    area: 'maps',
    title: 'DIPV1003 Integration keys are missing',
    match: { text: /DIPV1003|Integration keys are missing/i },
    cause: "No integration key is defined for the Dataverse table that's used in the table map.",
    fix: 'In the Power Apps maker portal, define at least one alternate key for the Dataverse table; then open the table map in the Dual-write administration workspace and select Refresh tables.',
    source: ERROR_CODES,
    detection: { failurePattern: true, note: NO_READ },
  },
  {
    id: 'dipv1018',
    area: 'maps',
    title: 'DIPV1018 Missing source schema',
    match: { text: /DIPV1018|Missing source schema/i },
    cause: "There's no cached metadata for the table.",
    fix: 'Open the table map in the Dual-write administration workspace and select Refresh tables.',
    source: ERROR_CODES,
    detection: { failurePattern: true, note: NO_READ },
  },
  {
    id: 'dipv1020',
    area: 'maps',
    title: 'DIPV1020 Missing destination schema',
    match: { text: /DIPV1020|Missing destination schema/i },
    cause: "There's no cached metadata for the table.",
    fix: 'Open the table map in the Dual-write administration workspace and select Refresh tables.',
    source: ERROR_CODES,
    detection: { failurePattern: true, note: NO_READ },
  },
  {
    id: 'dipv1031',
    area: 'maps',
    title: 'DIPV1031 Missing default transform for mandatory destination field',
    match: { text: /DIPV1031|Missing default transform for mandatory destination field/i },
    cause:
      'A mandatory destination field has no default transform, which causes runtime synchronization failures.',
    fix: 'Add the default transform that ensures a default value for the mandatory field.',
    source: ERROR_CODES,
    detection: { failurePattern: true, note: NO_READ },
  },
];
