// A step's platform calls run under its request guard: every HTTP request a client sends for the
// step asks the guard first. One port call can be many requests over minutes (Apply Solution posts
// each solution and polls it), so checking the run's lease once per call is not enough: a replica
// frozen past its lease would wake up mid-call and go on posting what its successor already did.
import { AsyncLocalStorage } from 'node:async_hooks';

const guards = new AsyncLocalStorage<() => void>();

/** Runs `work`, and everything it awaits, under `check` (which throws to refuse a request). */
export function withRequestGuard<T>(check: () => void, work: () => T): T {
  return guards.run(check, work);
}

/** Called by a client before each request it sends: throws when the caller may no longer act. */
export function checkRequestGuard(): void {
  guards.getStore()?.();
}
