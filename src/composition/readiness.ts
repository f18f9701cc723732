import { lookup } from 'node:dns/promises';
import type { Config } from '../config';
import type { ReadinessReport } from '../server';
import type { Store } from '../store/openStore';

// What `GET /readyz` reports, for the load balancer (docs/operations.md): this replica can serve
// when its store answers and the Dynamics 365 endpoints it calls resolve (live mode: a DNS lookup of
// each configured host; emulator mode: the emulator answers). `/healthz` (health.ts) is liveness.

const CHECK_TIMEOUT_MS = 2_000;

export type ReadinessConfig = Pick<
  Config,
  | 'DYNAMICS_MODE'
  | 'POWER_PLATFORM_API_URL'
  | 'BAP_API_URL'
  | 'LCS_API_URL'
  | 'DUALWRITE_GATEWAY_URL'
  | 'GRAPH_API_URL'
>;

/** The hosts live mode calls at startup-independent addresses (per-environment hosts come from runs). */
export function dynamicsHosts(config: ReadinessConfig): string[] {
  const urls = [
    config.POWER_PLATFORM_API_URL,
    config.BAP_API_URL,
    config.LCS_API_URL,
    config.DUALWRITE_GATEWAY_URL,
    config.GRAPH_API_URL,
  ];
  return [...new Set(urls.filter((url): url is string => Boolean(url)).map((url) => new URL(url).hostname))];
}

export function readinessCheck(
  config: ReadinessConfig,
  store: Pick<Store, 'ping'>,
  emulatorUrl?: string,
  resolve: (host: string) => Promise<unknown> = (host) => lookup(host),
): () => Promise<ReadinessReport> {
  return async () => {
    const [storeOk, endpoints] = await Promise.all([
      within(store.ping().then(Boolean)),
      emulatorUrl
        ? within(fetch(`${emulatorUrl}/_emulator/health`).then((r) => r.ok)).then((ok) => [
            { host: new URL(emulatorUrl).host, ok },
          ])
        : Promise.all(
            dynamicsHosts(config).map(async (host) => ({
              host,
              ok: await within(resolve(host).then(() => true)),
            })),
          ),
    ]);
    const ready = storeOk && endpoints.every((e) => e.ok);
    return { status: ready ? 'ready' : 'not_ready', store: { ok: storeOk }, dynamics: { endpoints } };
  };
}

/** True if the check says so within the timeout; a refusal, an error or silence is false. */
async function within(check: Promise<boolean>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([check.catch(() => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
