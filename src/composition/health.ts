import type { Config } from '../config';
import { projectVersion } from '../projectRoot';
import type { HealthReport } from '../server';
import type { Store } from '../store/openStore';

// What `GET /healthz` reports: the store answers, and the emulator (emulator mode) is reachable.

const VERSION = projectVersion();

export function healthCheck(config: Config, store: Store, emulatorUrl?: string): () => Promise<HealthReport> {
  return async () => {
    let storeOk = false;
    try {
      storeOk = await store.ping();
    } catch {
      storeOk = false;
    }
    let reachable = !emulatorUrl;
    if (emulatorUrl) {
      try {
        const response = await fetch(`${emulatorUrl}/_emulator/health`, {
          signal: AbortSignal.timeout(2000),
        });
        reachable = response.ok;
      } catch {
        reachable = false;
      }
    }
    return {
      status: storeOk && reachable ? 'ok' : 'degraded',
      version: VERSION,
      store: { ok: storeOk },
      dynamics: { mode: config.DYNAMICS_MODE, reachable, url: emulatorUrl },
    };
  };
}
