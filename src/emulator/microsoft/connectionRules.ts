import { DUAL_WRITE_FAQ, EDIT_LEGAL_ENTITY, POWER_PLATFORM_INTEGRATION, RESET, SYNC_LIMITS } from './sources';

// What the dual-write service allows on a link, from Microsoft's pages (each fact names its page).
// Where a page gives the rule but not the wording or status of the refusal, the text is [inferred].

export const CONNECTION_RULE_SOURCES = {
  oneToOne: DUAL_WRITE_FAQ,
  integration: `${RESET}; ${POWER_PLATFORM_INTEGRATION}`,
  reset: RESET,
  addLegalEntity: EDIT_LEGAL_ENTITY,
  limits: SYNC_LIMITS,
};

/** sync-limits.md: an initial sync (and the initial writes of added legal entities) takes up to 40 legal entities. */
export const MAX_LEGAL_ENTITIES_INITIAL_WRITES = 40;
/** sync-limits.md: live sync supports about 250 legal entities on one link. */
export const MAX_LEGAL_ENTITIES_LIVE_SYNC = 250;

/** Map states in which Reset refuses: "all maps must be stopped" first (reset.md). */
export const RESET_BLOCKING_STATES = ['Running', 'Paused', 'InitialSync'] as const;

/** The documented error of `RetrieveFinanceAndOperationsIntegrationDetails` for a Dataverse without integration. */
export const NOT_INTEGRATED = {
  code: '0x80048d0b',
  message: "Dataverse instance isn't integrated with finance and operations.",
};

/** Refusal texts [inferred wording; the rules are the pages']. */
export const CONNECTION_REFUSALS = {
  financeOpsLinked: (dv: string) =>
    `This Finance and Operations environment is already linked for dual-write (to ${dv}). One Finance and Operations environment links to one Dataverse environment.`,
  dataverseLinked: (fo: string) =>
    `This Dataverse environment is already linked for dual-write (to ${fo}). One Dataverse environment links to one Finance and Operations environment.`,
  notIntegrationEnvironment: (integrated: string) =>
    `Dual-write links a Finance and Operations environment only to the Dataverse environment of its Power Platform integration (${integrated}); linking to another environment is no longer available.`,
  integratedElsewhere: (fo: string) =>
    `This Dataverse environment is the Power Platform integration environment of ${fo}; it cannot be linked to another Finance and Operations environment.`,
  resetWhileRunning: (maps: string[]) =>
    `Stop every table map before you reset the link: ${maps.join(', ')} ${maps.length === 1 ? 'is' : 'are'} not stopped.`,
  initialWritesInProgress: (maps: string[]) =>
    `Legal entities can't be added while a table map is in the Initial writes state (${maps.join(', ')}). Try again once it finishes.`,
  tooManyForInitialWrites: (count: number) =>
    `Initial writes handle up to ${MAX_LEGAL_ENTITIES_INITIAL_WRITES} legal entities; ${count} were added. Add them in batches or skip initial writes.`,
  tooManyForLiveSync: (count: number) =>
    `A dual-write link supports about ${MAX_LEGAL_ENTITIES_LIVE_SYNC} legal entities in live sync; this one would have ${count}.`,
};
