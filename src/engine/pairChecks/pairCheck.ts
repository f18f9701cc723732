import { KNOWN_ERRORS, knownErrorById } from '../knownErrors/knownErrorCatalog';
import type { StepKind } from '../model';
import type { DataverseEnvironment, DualWriteConnection, FinanceOpsEnvironment, Platform } from '../ports';

// What the checks of one environment pair share: the doctor (src/doctor) runs them on their own, the
// pre-flight (src/engine/preflight) at the head of every plan. One verdict per check, in one of four
// states; only a blocker stops anything.

/**
 * `ok`; `setup-will-do`: not done yet, and a step of the setup does it (solutions not installed, maps
 * not applied); `blocker`: the setup cannot succeed until someone fixes it; `not-checkable`: no API
 * answers it (or the read failed), said with why, never blocking.
 */
export type CheckState = 'ok' | 'setup-will-do' | 'blocker' | 'not-checkable';

export interface CheckVerdict {
  name: string;
  state: CheckState;
  detail: string;
  /** What to do ('' when ok). */
  fix: string;
  /** The pre-flight finding code (stable: tests and audit read it); the name when absent. */
  code?: string;
  /** For `setup-will-do`: the step kind that does it. */
  doneBy?: StepKind;
  /** For `not-checkable`: a read failed (the run checks again), rather than no API existing. */
  readFailed?: boolean;
  /** The catalogued errors this check prevents (src/engine/knownErrors: each entry names its check). */
  knownErrors?: string[];
}

/** The ids of the catalogued errors whose entry names this check as the one that finds its cause. */
export function errorsPreventedBy(checkName: string): string[] {
  return KNOWN_ERRORS.filter((entry) => entry.detection.doctorCheck === checkName).map((entry) => entry.id);
}

/** The documented fix of a catalogued error (its entry's text, so the doctor and the cards agree). */
export function catalogFix(id: string): string {
  const entry = knownErrorById(id);
  if (!entry) throw new Error(`No known error ${id}`);
  return entry.fix;
}

/** What the checks read: the pair's URLs as far as they are known, and the admin API's ids. */
export interface PairFacts {
  platform: Platform;
  financeOpsUrl?: string;
  dataverseUrl?: string;
  /** The Dataverse environment's id in the Power Platform admin API (for its package list). */
  dataverseEnvironmentId?: string;
  /** The F&O environment as Lifecycle Services lists it (release, tenant), when it does. */
  financeOpsEnvironment?: FinanceOpsEnvironment | null;
  /** The Dataverse environment as the Power Platform admin API lists it (tenant), when it does. */
  dataverseEnvironment?: DataverseEnvironment | null;
  /** The legal entities the setup links, when the caller knows them (a plan); else F&O's own. */
  legalEntitiesToLink?: readonly string[];
  /** The legal entities of the plan's initial sync (a plan only). */
  initialSyncLegalEntities?: readonly string[];
  /** The plan creates the F&O environment: a Dataverse integrated with any existing one cannot be its. */
  newFinanceOps?: boolean;
  /** Memoized reads shared by the checks (pairReads.ts). */
  reads: PairReads;
}

export interface PairReads {
  solutions(): Promise<Map<string, string>>;
  legalEntities(): Promise<string[]>;
  /** The pair's dual-write link, or null when there is none yet. */
  connection(): Promise<DualWriteConnection | null>;
}

/** One named check of the pair: it reads, never writes, never throws. */
export interface PairCheck {
  name: string;
  run(facts: PairFacts): Promise<CheckVerdict[]>;
}

export const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export const verdict = (
  name: string,
  state: CheckState,
  detail: string,
  fix = '',
  extra: Partial<CheckVerdict> = {},
): CheckVerdict => ({ name, state, detail, fix, ...extra, knownErrors: errorsPreventedBy(name) });

/** A read that failed: not checkable, with the error as the why. */
export const unreadable = (name: string, what: string, error: unknown): CheckVerdict =>
  verdict(name, 'not-checkable', `Could not read ${what}: ${errorText(error)}.`, 'The run checks again.', {
    readFailed: true,
  });

/** Memoized reads, so several checks of one pair read each list once. */
export function pairReads(
  platform: Platform,
  urls: { financeOpsUrl?: string; dataverseUrl?: string },
): PairReads {
  let solutions: Promise<Map<string, string>> | undefined;
  let legalEntities: Promise<string[]> | undefined;
  let connection: Promise<DualWriteConnection | null> | undefined;
  return {
    solutions: () =>
      (solutions ??= platform
        .dataverse(urls.dataverseUrl!)
        .listSolutions()
        .then((rows) => new Map(rows.map((s) => [s.uniqueName.toLowerCase(), s.version])))),
    legalEntities: () =>
      (legalEntities ??= platform
        .financeOps(urls.financeOpsUrl!)
        .listLegalEntities()
        .then((rows) => rows.map((e) => e.id.toUpperCase()))),
    connection: () =>
      (connection ??= platform.dualWrite.findConnection(urls.financeOpsUrl!, urls.dataverseUrl!)),
  };
}
