import { INITIAL_SYNC_ERRORS } from './initialSyncErrors';
import type { KnownError } from './knownError';
import { LIMIT_ERRORS } from './limitErrors';
import { LIVE_SYNC_ERRORS } from './liveSyncErrors';
import { MAP_ERRORS } from './mapErrors';
import { SETUP_ERRORS } from './setupErrors';

// The one catalog of documented dual-write errors, and the matcher the failure cards use. Order
// matters only for matching: the general health-check entry comes after the specific ones.

const GENERAL_LAST = new Set(['health-check-failed']);

export const KNOWN_ERRORS: readonly KnownError[] = [
  ...SETUP_ERRORS,
  ...MAP_ERRORS,
  ...INITIAL_SYNC_ERRORS,
  ...LIVE_SYNC_ERRORS,
  ...LIMIT_ERRORS,
];

const MATCH_ORDER = [
  ...KNOWN_ERRORS.filter((entry) => !GENERAL_LAST.has(entry.id)),
  ...KNOWN_ERRORS.filter((entry) => GENERAL_LAST.has(entry.id)),
];

/** A failure as a step or a client reports it. */
export interface FailureText {
  status?: number;
  code?: string;
  message: string;
}

/** The catalogued error a failure is, if any (its text against each entry's documented text). */
export function matchKnownError(failure: string | FailureText): KnownError | undefined {
  const { status, code, message } = typeof failure === 'string' ? { message: failure } : failure;
  const haystack = code ? `${code} ${message}` : message;
  return MATCH_ORDER.find(({ match }) => {
    if (!match.text) return false;
    if (match.status !== undefined && status !== undefined && match.status !== status) return false;
    return match.text.test(haystack);
  });
}

export function knownErrorById(id: string): KnownError | undefined {
  return KNOWN_ERRORS.find((entry) => entry.id === id);
}
