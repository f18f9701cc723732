import type { ScenarioId, SetupInput } from './scenarios/scenarioInput';
import type { StepLocation } from './ports';
import type { StepKind } from './stepKinds';

// The engine's vocabulary: plans, runs, steps, actors and the commands the conversation sends.
// Plain data, persisted as JSON by the RunStore.

/** A person acting through the conversation (Entra object id when Teams gives one). */
export interface Actor {
  id: string;
  name: string;
}

/** The kinds of step (stepKinds.ts); each is declared in its module under steps/. */
export type { StepKind };

/** How a step is carried out: by the engine, or by the admin and then verified by the engine. */
export type StepMode = 'automatic' | 'manual';

export interface PlannedStep {
  /** Stable within a plan, e.g. "s03-link". Used in card action data. */
  id: string;
  kind: StepKind;
  title: string;
  where: StepLocation;
  mode: StepMode;
  needsApproval: boolean;
  skippable: boolean;
  /** The step's parameters (the schema its module declares, steps/<kind>.ts). */
  params: Record<string, unknown>;
  /**
   * The ids of the steps this one waits for (they must succeed or be skipped first): the plan is a
   * graph (each module's `needs`, scenarios/stepNeeds.ts). Absent in runs planned before: then every earlier step.
   */
  needs?: string[];
  /**
   * For manual steps: what the admin does (the module's `manual.instructions`, planned here; replaced
   * by its run's own text when the step comes up, see steps/defineStep.ts), and a deep link.
   */
  instructions?: string;
  link?: string;
}

/** `setup`: not done yet, and a step of this plan does it ("the setup will do it"). */
export type Severity = 'warning' | 'blocking' | 'setup';

export interface PreflightFinding {
  code: string;
  severity: Severity;
  message: string;
  /** What the admin can do about it. */
  advice: string;
}

/** What `preview` returns: the dry run shown on the confirmation card. */
export interface PlanPreview {
  scenario: ScenarioId;
  input: SetupInput;
  steps: PlannedStep[];
  findings: PreflightFinding[];
  /** False when any finding blocks. */
  canStart: boolean;
  /** Display names of the Dataverse tables the plan names, by entity set (one name per table). */
  tableNames?: Record<string, string>;
  /** The token Start needs (planReviews.ts), given by a Review whose plan can start. */
  reviewToken?: string;
  /** The bootstrap FAQ's order offered on the plan card: present only past the row threshold. */
  bootstrapOrderChoice?: BootstrapOrderChoice;
}

/** The rows that need a company (counted at review) and the order this plan has (docs/domain.md §4). */
export interface BootstrapOrderChoice {
  rows: number;
  order: 'live' | 'bulk';
}

export type StepStatus =
  | 'pending'
  | 'running'
  | 'awaiting_approval'
  | 'awaiting_manual'
  | 'succeeded'
  | 'failed'
  | 'skipped'
  | 'cancelled';

export type RunStatus = 'running' | 'waiting' | 'succeeded' | 'failed' | 'cancelled';

/**
 * Statuses after which the engine does nothing more on its own (a failed run can still be retried
 * by an admin, but it waits for one). The notifier owes the admin a word when a run enters one.
 */
export const FINISHED_RUN_STATUSES: ReadonlySet<RunStatus> = new Set<RunStatus>([
  'succeeded',
  'failed',
  'cancelled',
]);

export interface ApprovalRequest {
  requestedAt: string;
  expiresAt: string;
  /** What will change, for the approval card, e.g. rows per table for bootstrap. */
  summary: Record<string, unknown>;
  reminded?: boolean;
  decision?: { approved: boolean; by: Actor; at: string; reason?: string };
}

/** Why a step failed: the service's words and code, and what the bot knows of them. */
export interface StepError {
  code: string;
  message: string;
  /** The documented error it is (src/engine/knownErrors, docs/known-errors.md), when recognised. */
  knownErrorId?: string;
  /** The request id the service can trace the failed call by (`x-ms-client-request-id`). */
  correlationId?: string;
}

export interface StepState extends PlannedStep {
  status: StepStatus;
  attempts: number;
  startedAt?: string;
  finishedAt?: string;
  error?: StepError;
  progress?: { done: number; total: number; unit: string };
  /** What the service itself last said about a long operation (e.g. "Lifecycle Services: Deploying"). */
  serviceStatus?: { text: string; at: string };
  approval?: ApprovalRequest;
  /** Result of the last verification of a manual step, shown on its card. */
  verification?: { ok: boolean; message: string; at: string };
  /**
   * What the step learnt (URLs, ids) for later steps and for the completion notice, which sums
   * `rowsStamped` (bootstrap), `rowsSynced` (initial sync) and lists `mapsRunning` (string[]).
   */
  output?: Record<string, unknown>;
  /** Persisted progress of a long operation (operation ids) so a resume polls instead of redoing. */
  checkpoint?: Record<string, unknown>;
  /**
   * The run's rev when the step entered its current wait (approval or manual). A click carrying a rev
   * from before that belongs to an earlier request and is stale.
   */
  waitingSinceRev?: number;
  /** A manual step the admin said is done and the engine has yet to verify. */
  confirmation?: { by: Actor; at: string };
  /**
   * AZURE_AUTH=obo: the step waits for "Continue as me" from `admin` (absent: any admin, who then
   * becomes the run's acting admin), with why when a sign-in was asked again (src/engine/actingAdmin.ts).
   */
  actAs?: {
    admin?: Actor;
    reason?: string;
    /** Entra's claims challenge (JSON) for the new sign-in to pass on, with `interaction_required`. */
    claims?: string;
    since: string;
  };
  /** Whose delegated rights the step last ran with (AZURE_AUTH=obo). */
  actedAs?: Actor;
}

export interface Run {
  id: string;
  scenario: ScenarioId;
  input: SetupInput;
  status: RunStatus;
  /** Increases on every change; carried in card actions to detect stale clicks. */
  rev: number;
  requestedBy: Actor;
  /** Key of the environment pair this run holds the lock for. */
  lockKey: string;
  createdAt: string;
  updatedAt: string;
  finishedAt?: string;
  steps: StepState[];
  cancelRequested?: { by: Actor; at: string };
  /** AZURE_AUTH=obo: the admin who linked, whose rights the dual-write steps run with. */
  actingAdmin?: Actor;
  /** Where the run belongs; absent on runs stored before runs were scoped. */
  scope?: RunScope;
  /** Display names of the Dataverse tables, by entity set, as the plan showed them. */
  tableNames?: Record<string, string>;
  /**
   * The run's trace (W3C traceparent of its root span, src/engine/runTracing.ts): every replica
   * that drives the run continues it. Absent when tracing is off.
   */
  trace?: { traceparent: string };
}

/**
 * The Entra tenant and the conversation a run was started in. The Teams layer lets a run be seen and
 * acted on only there, or by that tenant's admins and approvers.
 */
export interface RunScope {
  tenantId: string;
  conversationId: string;
}

export interface AuditEntry {
  runId: string;
  at: string;
  actor: Actor | null;
  action: string;
  stepId?: string;
  detail?: string;
}
