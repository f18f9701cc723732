// The platform as a leaseholder's step sees it: every call, and every HTTP request inside it (through
// the request guard), first checks that this replica still holds the run's lease (by the local
// clock). A replica frozen past its lease wakes up into a refused request instead of repeating an
// effect that the replica which took the run over may already have made.
import type { Platform } from './ports';
import { withRequestGuard } from './requestGuardPort';
import { FencedWriteError, type LeaseFence } from './runLeasePort';

export function leaseGuardedPlatform(
  platform: Platform,
  runId: string,
  fenceOf: (runId: string) => LeaseFence | undefined,
  lastFence: LeaseFence,
  onRefused: (error: FencedWriteError) => void = () => undefined,
): Platform {
  const check = () => {
    if (fenceOf(runId)) return;
    const refused = new FencedWriteError(runId, lastFence);
    onRefused(refused);
    throw refused;
  };
  const guard = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(object, property, receiver) {
        const value = Reflect.get(object, property, receiver) as unknown;
        if (typeof value === 'function') {
          return (...args: unknown[]) => {
            check();
            const result = withRequestGuard(check, () =>
              (value as (...a: unknown[]) => unknown).apply(object, args),
            );
            // dataverse(url) and financeOps(url) hand out clients: guard those too.
            return result && typeof result === 'object' && !(result instanceof Promise)
              ? guard(result)
              : result;
          };
        }
        return value && typeof value === 'object' ? guard(value) : value;
      },
    });
  return guard(platform);
}
