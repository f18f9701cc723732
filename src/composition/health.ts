import type { Config } from '../config';
import { projectVersion } from '../projectRoot';
import type { HealthReport } from '../server';

// What `GET /healthz` reports: liveness (docs/operations.md). The process answers HTTP, so it is
// alive; the store and Dynamics 365 are `/readyz`'s (readiness.ts), so a store or Dynamics outage
// takes a replica out of the load balancer without its platform restarting it.

const VERSION = projectVersion();

export function healthCheck(config: Pick<Config, 'DYNAMICS_MODE'>, replicaId: string): () => HealthReport {
  const report: HealthReport = {
    status: 'ok',
    version: VERSION,
    replica: replicaId,
    mode: config.DYNAMICS_MODE,
  };
  return () => report;
}
