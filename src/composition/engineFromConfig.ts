import os from 'node:os';
import type { Config } from '../config';
import type { ActAsAdmin } from '../engine/actingAdmin';
import type { Clock, Platform } from '../engine/ports';
import { createSetupEngine, type SetupEngine } from '../engine/setupEngine';
import type { Logger } from '../log';
import type { Store } from '../store/openStore';

// The engine as the configuration says: its timings, and leases only where replicas share a store.

/**
 * Unique among live processes: leases and card-update claims are told apart by it. SQLite serves
 * one process, so a fixed name lets a restarted bot take its runs back at once.
 */
export function replicaIdOf(config: Config, store: Store): string {
  return config.REPLICA_ID ?? (store.kind === 'sqlite' ? 'local' : `${os.hostname()}-${process.pid}`);
}

export function engineFromConfig(
  config: Config,
  parts: {
    platform: Platform;
    store: Store;
    clock: Clock;
    replicaId: string;
    logger: Logger;
    /** AZURE_AUTH=obo: the platform as the acting admin (dynamicsConnection.ts). */
    actAs?: ActAsAdmin;
  },
  overrides: { pollIntervalMs?: number } = {},
): SetupEngine {
  const { platform, store, clock, replicaId, logger, actAs } = parts;
  return createSetupEngine({
    platform,
    actAs,
    store: store.runs,
    executorStore: store.executorRuns,
    clock,
    logger: logger.child({ component: 'engine' }),
    approvalTimeoutMs: config.APPROVAL_TIMEOUT_MINUTES * 60_000,
    approvalReminderMs: config.APPROVAL_REMINDER_MINUTES * 60_000,
    fourEyes: config.FOUR_EYES,
    runLimits: {
      perRequester: config.MAX_ACTIVE_RUNS_PER_ADMIN,
      perTenant: config.MAX_ACTIVE_RUNS_PER_TENANT,
    },
    // SQLite serves one process: nothing to share, so no leases (its restart resumes every run).
    replicas:
      store.kind === 'postgres'
        ? {
            leases: store.leases,
            signals: store.signals,
            owner: replicaId,
            ttlMs: config.LEASE_TTL_SECONDS * 1000,
            heartbeatMs: config.LEASE_HEARTBEAT_SECONDS * 1000,
          }
        : undefined,
    ...overrides,
  });
}
