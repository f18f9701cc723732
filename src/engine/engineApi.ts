import type { Actor, AuditEntry, PlanPreview, Run, RunStatus, StepState, RunScope } from './model';

/** What a planned step works on, for the plan card (declared by its step module). */
export { stepTouches } from './stepTouches';

// What the conversation layer may ask of the engine. Every command is idempotent and answers at once
// (it records the decision and wakes the executor; nothing slow runs inside it).
// The Teams layer (src/bot) imports nothing of the engine but this file (dependency-cruiser): the
// vocabulary, schemas and display facts it needs are re-exported here.

export type {
  Actor,
  AuditEntry,
  PlannedStep,
  PlanPreview,
  PreflightFinding,
  Run,
  RunScope,
  RunStatus,
  StepError,
  StepState,
  StepStatus,
} from './model';
export { FINISHED_RUN_STATUSES } from './model';
export type { ScenarioId, SetupInput } from './scenarios/scenarioInput';
export { scenarioIdSchema, setupInputSchema } from './scenarios/scenarioInput';
export { recommendScenario } from './scenarios/recommendScenario';
export { tableName } from './catalog/tableNames';
export { DEMO_COMPANIES, ENTITY_MAP_CHOICES, stepWaitsFor } from './displayFacts';
export type { KnownError } from './knownErrors/knownError';
export { knownErrorById } from './knownErrors/knownErrorCatalog';
export { escapeMarkdown } from './markdownText';
export type { Clock } from './ports';
export { systemClock } from './systemClock';

export interface EngineApi {
  /**
   * Validates the raw input (zod) and returns the dry run, with the `reviewToken` Start needs when it
   * can start (the Review); throws EngineError('invalid_input').
   */
  preview(rawInput: unknown): Promise<PlanPreview>;
  /**
   * Persists a new run and starts executing it. `reviewToken` is the token of a preview of the same
   * input ('not_reviewed' without one); it also makes a repeated Start click return the same run
   * instead of a second one. Fails with 'locked' when another active run holds the pair, 'limited'
   * when the requester or the tenant has as many unfinished runs as allowed.
   */
  start(rawInput: unknown, requestedBy: Actor, reviewToken: string, scope?: RunScope): Promise<CommandResult>;
  approve(runId: string, stepId: string, actor: Actor, rev: number): Promise<CommandResult>;
  reject(runId: string, stepId: string, actor: Actor, rev: number, reason: string): Promise<CommandResult>;
  /** Manual step: the admin says it is done; the engine verifies it through the APIs. */
  confirmManual(runId: string, stepId: string, actor: Actor, rev: number): Promise<CommandResult>;
  /**
   * AZURE_AUTH=obo: "Continue as me" on a step that acts as the admin; `ssoToken` is the admin's fresh
   * SSO token, used for that step's on-behalf-of tokens and never stored. Another admin than the one
   * who linked is refused ('forbidden') with the reason.
   */
  continueAsMe(
    runId: string,
    stepId: string,
    actor: Actor,
    rev: number,
    ssoToken: string,
  ): Promise<CommandResult>;
  retry(runId: string, actor: Actor, rev?: number): Promise<CommandResult>;
  skip(runId: string, stepId: string, actor: Actor, rev: number): Promise<CommandResult>;
  cancel(runId: string, actor: Actor, rev?: number): Promise<CommandResult>;
  get(runId: string): Promise<Run | null>;
  /** Newest first; `tenantId` keeps the runs of that tenant only (scoped runs). */
  list(filter?: { status?: RunStatus[]; limit?: number; tenantId?: string }): Promise<Run[]>;
  audit(runId: string): Promise<AuditEntry[]>;
  /** Records a refused action in the run's audit trail (refusals decided outside the engine too). */
  recordRefusal(runId: string, actor: Actor, action: string, reason: string, stepId?: string): Promise<void>;
  on<E extends keyof EngineEvents>(event: E, listener: (payload: EngineEvents[E]) => void): void;
  /** Resumes unfinished runs (called once at start-up). */
  resume(): Promise<void>;
  /** Stops the executor; running steps stop at their next checkpoint. */
  close(): Promise<void>;
}

export type CommandResult =
  { ok: true; run: Run; changed: boolean } | { ok: false; code: CommandRefusal; message: string; run?: Run };

/**
 * `expired`: the approval's time ran out; `decided`: the approval already has its (final) decision;
 * `not_reviewed`: a Start without the token of a Review of the same input; `limited`: the requester
 * or the tenant already has as many unfinished runs as allowed.
 */
export type CommandRefusal =
  | 'not_found'
  | 'stale'
  | 'invalid_state'
  | 'forbidden'
  | 'four_eyes'
  | 'locked'
  | 'invalid_input'
  | 'expired'
  | 'decided'
  | 'not_reviewed'
  | 'limited';

/** Events for the notifier; payloads are snapshots. */
export interface EngineEvents {
  'run.updated': { run: Run };
  'step.started': { run: Run; step: StepState };
  'approval.requested': { run: Run; step: StepState };
  'approval.reminder': { run: Run; step: StepState };
  'approval.expired': { run: Run; step: StepState };
  'manual.requested': { run: Run; step: StepState };
  'run.finished': { run: Run };
}

/** A typed error with a user-facing message (never a stack in a card). */
export class EngineError extends Error {
  constructor(
    readonly code: CommandRefusal | 'internal',
    message: string,
    readonly details?: Array<{ path: string; message: string }>,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}
