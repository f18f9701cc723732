// The data each card template in `cards/<name>.json` expands: one model per card, so a view that
// forgets a field the template binds (which would leave a literal `${field}` in the card) does not
// compile. renderCard takes the card's name and its model.

export interface Fact {
  title: string;
  value: string;
}

export interface NoticeModel {
  notice: string;
}

export interface WelcomeModel {
  mode: string;
}

export interface ScenarioModel extends NoticeModel {
  /** The LCS project freeze in one line. */
  freeze: string;
  scenarios: Array<{ id: string; title: string; summary: string; recommended: boolean; reason: string }>;
}

export interface DetailsField {
  id: string;
  kind: string;
  label: string;
  placeholder: string;
  hint: string;
  value: string;
  required: boolean;
  multi: boolean;
  style: 'expanded' | 'compact';
  /** Choice titles wrap (only where one is long: a wrapped choice renders without its label tag). */
  wrap: boolean;
  choices: Array<{ title: string; value: string }>;
  error: string;
}

export interface DetailsModel extends NoticeModel {
  scenario: string;
  title: string;
  summary: string;
  fields: DetailsField[];
}

export interface ConfirmModel extends NoticeModel {
  title: string;
  facts: Fact[];
  steps: Array<{ number: number; title: string; detail: string }>;
  findings: Array<{ mark: string; message: string; advice: string }>;
  canStart: boolean;
  inputJson: string;
  /** The Review's token, carried to Start (the engine's planReviews.ts). */
  reviewToken: string;
  /** The bootstrap FAQ's order is offered (rows needing a company past the threshold). */
  orderOffered: boolean;
  orderText: string;
  /** The order of this plan: 'live' or 'bulk'. */
  bootstrapOrder: string;
}

/**
 * A failed step on the run card: the service's words always; for a documented error its cause, fix
 * and source (docs/known-errors.md); otherwise the correlation id to quote to Microsoft. '' = absent.
 */
export interface FailureModel {
  title: string;
  message: string;
  cause: string;
  fix: string;
  source: string;
  correlationId: string;
}

export interface RunModel extends NoticeModel {
  runId: string;
  shortId: string;
  rev: number;
  title: string;
  requestedBy: string;
  statusText: string;
  statusColor: string;
  steps: Array<{ mark: string; title: string; detail: string }>;
  failure: FailureModel | null;
  failedStepId: string;
  canRetry: boolean;
  canSkip: boolean;
  canCancel: boolean;
  finished: boolean;
  updatedAt: string;
  /** A step waiting for the acting admin's "Continue as me" (AZURE_AUTH=obo), or null. */
  actAs: ActAsModel | null;
}

export interface ActAsModel {
  stepId: string;
  /** Who must act, for every copy. */
  text: string;
  /** Why Entra asked for a new sign-in; '' when the step simply reached its turn. */
  reason: string;
  installNote: string;
  canContinue: boolean;
}

/** What every card about one step carries: its actions' `runId`, `stepId` and `rev`, and a notice. */
export interface StepCardModel extends NoticeModel {
  runId: string;
  stepId: string;
  rev: number;
  stepTitle: string;
}

export interface ApprovalModel extends StepCardModel {
  whatChanges: string;
  /** What the stamp does while dual-write runs (each row a live write to F&O); '' for other approvals. */
  liveWrites: string;
  /** The bootstrap FAQ's order, offered when the row count is large; '' otherwise. */
  volumeAdvice: string;
  facts: Fact[];
  decided: boolean;
  decisionStyle: 'good' | 'attention';
  decisionText: string;
  /** Approve, Reject and the reason box: only on the card of someone who may decide. */
  canDecide: boolean;
  /** Everyone else reads who may decide (never "you": the shared card says it too). */
  waitingText: string;
  /** A line for this viewer only (the requester's card says why they cannot decide); empty if none. */
  viewerNote: string;
}

export interface ManualModel extends StepCardModel {
  where: string;
  instructions: string;
  link: string;
  verification: string | null;
  verificationStyle: 'emphasis' | 'good' | 'attention';
  finished: boolean;
  /** "Done, verify": only on the card of an admin. */
  canAct: boolean;
  /** Everyone else reads who does the step. */
  actorsText: string;
}

export interface CompletionModel {
  /** The outcome in one sentence, starting with the requester's @mention. */
  mentionText: string;
  color: 'Good' | 'Attention';
  facts: Fact[];
  maps: string[];
  shortId: string;
  /** A Teams deep link to the run card; empty where Teams documents none (a personal chat). */
  runLink: string;
  mentions: Array<{ text: string; id: string; name: string }>;
}

export interface MessageModel {
  title: string;
  text: string;
  color: 'Default' | 'Good' | 'Attention' | 'Warning' | 'Accent';
  facts: Fact[];
}

export interface CardModels {
  welcome: WelcomeModel;
  help: NoticeModel;
  scenario: ScenarioModel;
  chooser: NoticeModel;
  details: DetailsModel;
  confirm: ConfirmModel;
  run: RunModel;
  approval: ApprovalModel;
  manual: ManualModel;
  completion: CompletionModel;
  message: MessageModel;
}

export type CardName = keyof CardModels;
