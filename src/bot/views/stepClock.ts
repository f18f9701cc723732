// How long a running step has been at it, and what the service itself last said, so a card that
// waits minutes on Lifecycle Services or Power Platform visibly moves. The notifier re-renders run
// cards with a long step on a slow beat (LONG_STEP_REFRESH_MS): one update a minute per run card is
// far inside Teams' per-conversation limits (60 per 30 s, 1,800 per hour; MicrosoftDocs/msteams-docs,
// msteams-platform/bots/how-to/rate-limit.md).

/** A step counts as long once it has run this long; only then does the card show its clock. */
export const LONG_STEP_AFTER_MS = 20_000;
/** How often the run card of a long step is re-rendered for its clock. */
export const LONG_STEP_REFRESH_MS = 60_000;

export interface ClockedStep {
  status: string;
  startedAt?: string;
  /** The service's own word on the operation, as the step last read it. */
  serviceStatus?: { text: string; at: string };
}

/** "45 s", "3 min 12 s", "2 h 5 min". */
export function elapsed(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** "running for 3 min 12 s · Lifecycle Services: Deploying", or nothing for a short or idle step. */
export function longStepText(step: ClockedStep, now: number): string | undefined {
  if (step.status !== 'running' || !step.startedAt) return undefined;
  const ms = now - Date.parse(step.startedAt);
  if (!(ms >= LONG_STEP_AFTER_MS)) return undefined;
  const parts = [`running for ${elapsed(ms)}`];
  if (step.serviceStatus?.text) parts.push(step.serviceStatus.text);
  return parts.join(' · ');
}

/** Whether a run card should be re-rendered now for the clock of a long step. */
export function clockRefreshDue(steps: ClockedStep[], lastRenderedAt: number, now: number): boolean {
  const long = steps.some((step) => longStepText(step, now) !== undefined);
  return long && now - lastRenderedAt >= LONG_STEP_REFRESH_MS;
}
