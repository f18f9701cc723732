import { parseRetryAfter } from './httpPolicy';

// The poll hint a long operation's status answer carries: `Retry-After` (whole seconds or an HTTP
// date; the emulator, time-scaled, sends fractions), handed to the engine as `retryAfterMs` so the
// engine never sees a header. Undefined when the service sent none.

export function retryAfterMsOf(response: { headers?: unknown } | undefined): number | undefined {
  const headers = response?.headers as Record<string, unknown> | undefined;
  if (!headers) return undefined;
  const value =
    typeof (headers as { get?: unknown }).get === 'function'
      ? (headers as { get(name: string): unknown }).get('retry-after')
      : (headers['retry-after'] ?? headers['Retry-After']);
  return parseRetryAfter(value);
}

/** `{retryAfterMs}` when there is a hint, `{}` otherwise (spread into a port's status value). */
export function pollHint(retryAfterMs: number | undefined): { retryAfterMs?: number } {
  return retryAfterMs === undefined ? {} : { retryAfterMs };
}

/**
 * The poll hint of an environment being created: the environment's own `Retry-After` if it sent
 * one, else that of the lifecycle operation this client followed when it created it.
 */
export async function lifecycleHint(
  apis: { bap: { get(url: string): Promise<{ headers?: unknown }> }; operations: Map<string, string> },
  environmentId: string,
  own: number | undefined,
): Promise<number | undefined> {
  if (own !== undefined) return own;
  const operation = apis.operations.get(environmentId);
  if (!operation) return undefined;
  return retryAfterMsOf(await apis.bap.get(operation));
}
