import { parseRetryAfter } from '../http/httpPolicy';

// What Dataverse tells a client about its limits on every answer (docs/dynamics-apis.md, "Dataverse
// Web API"): `x-ms-dop-hint`, the degree of parallelism the environment recommends ("Send parallel
// requests"); `x-ms-ratelimit-burst-remaining-xrm-requests`, requests left, and
// `x-ms-ratelimit-time-remaining-xrm-requests`, combined execution time left in seconds, written
// `1,199.46` ("Service protection API limits"); and on a 429 its `Retry-After`. Microsoft calls the
// two remaining-values hints for debugging, reset when a request lands on another server: the
// bootstrap uses them only to slow down early, never to send more than the dop hint or sooner than a
// Retry-After says.

/** One answer's remaining budget, when its request was sent and its answer came (performance.now()). */
export interface BudgetReading {
  requests?: number;
  executionSeconds?: number;
  sentAt: number;
  receivedAt: number;
}

export class ServiceHints {
  /** The environment's recommended degree of parallelism, once an answer has carried it. */
  dop?: number;
  /** The reading of the most recently *sent* request that carried one. */
  latest?: BudgetReading;
  /**
   * The latest reading of an answer that came within twice the quickest round trip (a probe's):
   * written soon after its request was sent, so what it reflects of our other requests is sharp.
   */
  sharp?: BudgetReading;
  /** No request should go before this (performance.now()), after a 429's Retry-After. */
  throttledUntil = 0;
  throttled = 0;
  /** The shortest round trip seen (ms): twice the way one answer takes back, at most. */
  minRoundTripMs = Infinity;
  private readonly listeners = new Set<() => void>();

  observe(answer: { status: number; headers: Record<string, unknown>; sentAt: number }): void {
    const header = (name: string) => headerValue(answer.headers, name);
    const dop = Number(header('x-ms-dop-hint'));
    if (Number.isInteger(dop) && dop > 0) this.dop = dop;
    const requests = parseCount(header('x-ms-ratelimit-burst-remaining-xrm-requests'));
    const executionSeconds = parseCount(header('x-ms-ratelimit-time-remaining-xrm-requests'));
    const receivedAt = performance.now();
    this.minRoundTripMs = Math.min(this.minRoundTripMs, receivedAt - answer.sentAt);
    if (requests !== undefined || executionSeconds !== undefined) {
      const reading = { requests, executionSeconds, sentAt: answer.sentAt, receivedAt };
      if (!this.latest || answer.sentAt >= this.latest.sentAt) this.latest = reading;
      if (
        receivedAt - answer.sentAt <= 2 * this.minRoundTripMs + 1 &&
        (!this.sharp || answer.sentAt >= this.sharp.sentAt)
      )
        this.sharp = reading;
    }
    if (answer.status === 429) {
      this.throttled++;
      const wait = parseRetryAfter(header('retry-after')) ?? 1000;
      this.throttledUntil = Math.max(this.throttledUntil, performance.now() + wait);
    }
    for (const listener of this.listeners) listener();
  }

  /** Calls `listener` after every observed answer; returns the unsubscribe. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** `1,199.46` or `5999` as a number; undefined when absent or unreadable. */
export function parseCount(value: unknown): number | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const text = String(value).replace(/,/g, '').trim();
  if (!/^\d+(\.\d+)?$/.test(text)) return undefined;
  return Number(text);
}

function headerValue(headers: Record<string, unknown>, name: string): unknown {
  const get = (headers as { get?: unknown }).get;
  if (typeof get === 'function') return (get as (n: string) => unknown).call(headers, name);
  return headers[name] ?? headers[name.toLowerCase()];
}
