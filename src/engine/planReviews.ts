import { createHash, randomUUID } from 'node:crypto';
import type { PlanPreview } from './model';
import type { Clock } from './ports';
import type { RunStore, StartContext } from './runStorePort';
import type { SetupInput } from './scenarios/scenarioInput';

// Start follows a Review of the same input (docs/reliability.md, "Limits on runs"): a preview that
// can start is recorded under a token, the plan card carries the token to Start, and Start refuses
// a missing, unknown, old or foreign one. Recorded in the store with the reviewed plan, so a Review
// on one replica serves a Start on another without reading Dynamics again; the token is also the
// Start's request key, so a repeated Start answers the run it created and one Review starts at most
// one run.

/** How long a Review stands for its Start; older reviews are forgotten when a new one is recorded. */
export const REVIEW_VALID_MS = 24 * 3600_000;
/** How long a Review's pre-flight findings stand for its Start; an older Review's Start checks again. */
export const REVIEW_FINDINGS_STAND_MS = 30 * 60_000;

/** The same validated input gives the same key (the parsed input is a plain object, read in order). */
export function inputKeyOf(input: SetupInput): string {
  return createHash('sha256').update(JSON.stringify(input)).digest('hex');
}

/** Records the reviewed plan and returns the token its plan card carries to Start. */
export async function recordReview(store: RunStore, clock: Clock, preview: PlanPreview): Promise<string> {
  const now = clock.now().getTime();
  const token = randomUUID();
  await store.recordReview(
    { token, inputKey: inputKeyOf(preview.input), reviewedAt: new Date(now).toISOString(), preview },
    new Date(now - REVIEW_VALID_MS).toISOString(),
  );
  return token;
}

/**
 * The Review a Start goes on from: `refusal` says why it may not, else `reviewed` is the newest plan
 * of the same input (the admin's own Review, or a later one that may have found a blocker) while its
 * findings still stand (absent: older, so the Start plans and checks again).
 */
export function reviewOfStart(
  { review, latest }: Pick<StartContext, 'review' | 'latest'>,
  clock: Clock,
  input: SetupInput,
): { refusal: string } | { refusal?: undefined; reviewed?: PlanPreview } {
  const again = 'Press Review on the details card to see the plan, then Start from that plan.';
  if (!review)
    return { refusal: `A setup starts from the plan of a Review, and this Start carries none. ${again}` };
  if (clock.now().getTime() - Date.parse(review.reviewedAt) >= REVIEW_VALID_MS) {
    return { refusal: `This plan was reviewed more than ${REVIEW_VALID_MS / 3600_000} hours ago. ${again}` };
  }
  if (review.inputKey !== inputKeyOf(input)) {
    return {
      refusal: `This Start carries the Review of other values than the ones it would set up. ${again}`,
    };
  }
  // Recorded, but its plan could not start: its token was never on a card.
  if (review.preview && !review.preview.canStart) return { refusal: `This plan cannot start. ${again}` };
  const newest = latest ?? review;
  const newestAge = clock.now().getTime() - Date.parse(newest.reviewedAt);
  return newestAge < REVIEW_FINDINGS_STAND_MS && newest.preview ? { reviewed: newest.preview } : {};
}
