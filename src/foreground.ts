// Clicks first. A card action's handler and the engine's work (steps, progress writes, proactive
// sends) share one event loop, and nothing orders them: every await of a click (a PostgreSQL round
// trip, say) queues behind whatever the engine has ready, so under load a click waits for engine
// writes it has nothing to do with. An admin waits on each click; a step can wait a few milliseconds.
//
// So card actions (invokes) run as foreground work (`asForeground`, src/server.ts), the executor and the
// notifier run as background work (`inBackground`), and background work asks `foregroundFirst()` at
// its seams (before each store statement, HTTP request and Teams send, after each HTTP answer, at each
// turn of a run's driver): while a click is in flight it parks there, for at most MAX_PARK_MS, so a
// steady stream of clicks slows the runs but never stops them. One event loop, one gate: the state is
// the process's, like the loop it orders.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Histogram } from '@opentelemetry/api';
import { meter } from './telemetry/instrumentationScope';

/** Longest a piece of background work waits at one seam while clicks keep coming. */
export const MAX_PARK_MS = 250;

const background = new AsyncLocalStorage<boolean>();
const parked = new Set<() => void>();
let inFlight = 0;

/** Runs a card action's work; background work parks at its seams until none is in flight. */
export async function asForeground<T>(work: () => Promise<T>): Promise<T> {
  inFlight += 1;
  try {
    // Work a click starts (a run's driver after Start) is foreground only until it says otherwise.
    return await background.run(false, work);
  } finally {
    inFlight -= 1;
    if (inFlight === 0) for (const release of [...parked]) release();
  }
}

/** Runs `work`, and everything it starts and awaits, as background work. */
export function inBackground<T>(work: () => T): T {
  return background.run(true, work);
}

/**
 * Background work's seam: a promise to await while a click is in flight, or undefined (go on at once:
 * nothing waits, or the caller is foreground work itself).
 */
export function foregroundFirst(): Promise<void> | undefined {
  if (inFlight === 0 || background.getStore() !== true) return undefined;
  const since = performance.now();
  return new Promise<void>((resolve) => {
    const release = () => {
      if (!parked.delete(release)) return;
      clearTimeout(timer);
      clickWait().record((performance.now() - since) / 1000);
      resolve();
    };
    const timer = setTimeout(release, MAX_PARK_MS);
    parked.add(release);
  });
}

/** `call` at once, or once the clicks in flight let background work go on (its result either way). */
export function afterClicks<T>(call: () => T): T | Promise<T> {
  const park = foregroundFirst();
  return park ? park.then(call) : call();
}

/** Clicks in flight now (the tests read it). */
export function foregroundInFlight(): number {
  return inFlight;
}

let waited: Histogram | undefined;

/** How long background work waited for clicks (docs/operations.md): runs slowed by click load. */
function clickWait(): Histogram {
  waited ??= meter().createHistogram('dualwrite.engine.click_wait', {
    description: 'Time the engine or the notifier waited at a seam for card actions in flight',
    unit: 's',
  });
  return waited;
}

/** Forgets the instrument (a test that installs a new MeterProvider). */
export function resetForegroundMetrics(): void {
  waited = undefined;
}
