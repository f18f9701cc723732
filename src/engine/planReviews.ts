import { createHash, randomUUID } from 'node:crypto';
import type { PlanPreview } from './model';
import type { Clock } from './ports';
import type { RunStore } from './runStorePort';
import type { SetupInput } from './scenarios/scenarioInput';

// Start follows a Review of the same input (docs/reliability.md, "Limits on runs"): a preview that
// can start is recorded under a token, the plan card carries the token to Start, and Start refuses
// a missing, unknown, old or foreign one. Recorded in the store, so a Review on one replica serves
// a Start on another; the token is also the Start's request key, so a repeated Start answers the
// run it created and one Review starts at most one run.

/** How long a Review stands for its Start; older reviews are forgotten when a new one is recorded. */
export const REVIEW_VALID_MS = 24 * 3600_000;

/** The same validated input gives the same key (the parsed input is a plain object, read in order). */
export function inputKeyOf(input: SetupInput): string {
  return createHash('sha256').update(JSON.stringify(input)).digest('hex');
}

/** Records the reviewed plan and returns the token its plan card carries to Start. */
export async function recordReview(store: RunStore, clock: Clock, preview: PlanPreview): Promise<string> {
  const now = clock.now().getTime();
  const token = randomUUID();
  await store.recordReview(
    { token, inputKey: inputKeyOf(preview.input), reviewedAt: new Date(now).toISOString() },
    new Date(now - REVIEW_VALID_MS).toISOString(),
  );
  return token;
}

/** Why a Start may not go on with this token for this input; undefined when it may. */
export async function reviewRefusal(
  store: RunStore,
  clock: Clock,
  token: string,
  input: SetupInput,
): Promise<string | undefined> {
  const again = 'Press Review on the details card to see the plan, then Start from that plan.';
  const review = token ? await store.review(token) : null;
  if (!review) return `A setup starts from the plan of a Review, and this Start carries none. ${again}`;
  if (Date.parse(review.reviewedAt) <= clock.now().getTime() - REVIEW_VALID_MS) {
    return `This plan was reviewed more than ${REVIEW_VALID_MS / 3600_000} hours ago. ${again}`;
  }
  if (review.inputKey !== inputKeyOf(input)) {
    return `This Start carries the Review of other values than the ones it would set up. ${again}`;
  }
  return undefined;
}
