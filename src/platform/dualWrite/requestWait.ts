import { PlatformError } from '../platformError';
import { REQUEST_STATE } from './gatewayWire';
import { timerDelay } from '../../timerDelay';

// Waiting for a gateway request (`Status/{requestId}`, `SolutionAware/{cid}/Status/{id}`) to finish:
// completed ("2") or failed ("3", DWEnums.RequestStatus). Between reads it waits the answer's
// `Retry-After` when it sent one (the tool's record shows none), bounded to a tenth of the interval
// and sixty intervals, else the interval (the tool waits 1-2 s).

export interface GatewayRequest {
  state: string;
  message?: string;
  retryAfterMs?: number;
}

export async function waitForRequest(
  what: string,
  read: () => Promise<GatewayRequest | undefined>,
  options: { pollMs: number; waitMs: number },
): Promise<void> {
  const { pollMs, waitMs } = options;
  const deadline = Date.now() + waitMs;
  for (;;) {
    const request = await read();
    if (request?.state === REQUEST_STATE.completed) return;
    if (request?.state === REQUEST_STATE.error)
      throw new PlatformError('failed', `${what} failed: ${request.message ?? 'the gateway gave no reason'}`);
    if (Date.now() > deadline)
      throw new PlatformError('timeout', `${what} did not finish within ${Math.round(waitMs / 1000)} s.`);
    const hint = request?.retryAfterMs;
    const delay = hint === undefined ? pollMs : Math.min(Math.max(hint, pollMs / 10), pollMs * 60);
    await new Promise((resolve) => setTimeout(resolve, timerDelay(delay)));
  }
}
