// The dual-write side of the platform ports (docs/architecture.md): map identity and states, the
// connection, and the dual-write management gateway's port. Re-exported by ports.ts, which the
// platform implements.

/** Map states as the dual-write UI names them. */
export type MapState = 'NotRunning' | 'InitialSync' | 'Running' | 'Paused' | 'Stopped';

/**
 * A dual-write map: its Dataverse table (entity set) and its name. Names repeat across tables
 * ("Customers V3" for `accounts` and for `contacts`); the key is `<table> - <name>` (catalog/mapIdentity.ts).
 */
export interface MapIdentity {
  /** Dataverse entity set, e.g. "accounts". */
  table: string;
  /** The map's name as the dual-write UI shows it, e.g. "Customers V3". */
  name: string;
}

export interface EntityMapStatus extends MapIdentity {
  /** The map's name, e.g. "Customers V3" (with `table`, e.g. "accounts", it names one map). */
  name: string;
  state: MapState;
  /** The last error of an initial sync or run, e.g. "Couldn't resolve the guid for the field ...". */
  lastError?: string;
}

export interface DualWriteConnection {
  id: string;
  financeOpsUrl: string;
  dataverseUrl: string;
  /** Upper-case company codes linked by this connection. */
  legalEntities: string[];
  /** True once Apply Solution has published the maps. */
  solutionApplied: boolean;
}

export type Master = 'dataverse' | 'financeOps';

/** The dual-write management gateway ([internal] API: behind a flag in live mode). */
export interface DualWritePort {
  findConnection(financeOpsUrl: string, dataverseUrl: string): Promise<DualWriteConnection | null>;
  /**
   * The Dataverse URL this F&O environment is linked to for dual-write, whichever it is, or null when
   * it is not linked: one F&O links to one Dataverse (dual-write-faq.md).
   */
  linkedDataverse?(financeOpsUrl: string): Promise<string | null>;
  createConnection(request: {
    financeOpsUrl: string;
    dataverseUrl: string;
    legalEntities: string[];
  }): Promise<DualWriteConnection>;
  /**
   * Adds companies to the link as Environment details > Add legal entity does (edit-legal-entity.md):
   * the maps keep running, and running or paused maps do initial writes for the new companies unless
   * skipped. Never through Reset, which clears the maps (reset.md).
   */
  addLegalEntities(
    connectionId: string,
    codes: string[],
    options?: { skipInitialWrites?: boolean },
  ): Promise<DualWriteConnection>;
  /**
   * Apply Solution: publishes the maps of the installed orchestration packages, one solution at a
   * time in install order; `only` names the entity maps solutions to apply (e.g.
   * `msdyn_DualWriteAppCoreMaps`), default every one the gateway lists. A named solution the gateway
   * does not list is an error.
   */
  applySolution(
    connectionId: string,
    only?: readonly string[],
    tracking?: SolutionApplyTracking,
  ): Promise<void>;
  listMaps(connectionId: string): Promise<EntityMapStatus[]>;
  /**
   * The maps to run before this one, in order, then the map itself (keys `<table> - <name>`): the
   * gateway's template prerequisite sequence, as Microsoft's Dual-write-automations tool reads it
   * before an initial sync [inferred from the tool]. Optional: without it the plan's order stands.
   */
  prerequisiteSequence?(connectionId: string, mapName: string): Promise<string[]>;
  /**
   * Runs one map (live sync), optionally with initial sync for the given companies and master. With
   * initial sync the map is first stopped (unless it is) and its project's tables refreshed, as the
   * tool does (docs/dynamics-apis.md).
   * `mapName` is the map's key, `<table> - <name>` (a bare name only where one map has it); a map
   * the connection does not list is a `not_found` error naming it. Returns at once; poll `listMaps`
   * until the map leaves `InitialSync`.
   */
  runMap(
    connectionId: string,
    mapName: string,
    options: { initialSync: boolean; master?: Master; legalEntities?: string[] },
  ): Promise<void>;
}

/**
 * How a resumed Apply Solution finds the request it already made: the gateway accepts each solution
 * as a request and answers its id before the wait, and a solution applied twice is one effect too
 * many (a map-less package cannot be told applied from the map list).
 */
export interface SolutionApplyTracking {
  /** A request the gateway already accepted: it is waited on, not posted again. */
  resume?: { solution: string; requestId: string };
  /** Called once the gateway accepted a solution's request, before the wait; resolves once recorded. */
  onAccepted?(solution: string, requestId: string): Promise<void>;
}
