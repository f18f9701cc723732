import { z } from 'zod';
import { duration, optionalString } from './configValues';

// Where runs are kept (SQLite or PostgreSQL) and how replicas share them through leases
// (docs/reliability.md). Part of the one configuration schema (configSchema.ts).

export const storeSettings = {
  // --- Store ---
  DATA_DIR: z.string().min(1).default('./data'),
  /** PostgreSQL (production, several replicas); empty: SQLite under DATA_DIR. */
  DATABASE_URL: optionalString.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\/[^\s]+$/, 'must be a postgres:// or postgresql:// URL')
      .optional(),
  ),
  /** password: the URL's; managed-identity: a Microsoft Entra token of the host's managed identity. */
  DATABASE_AUTH: z.enum(['password', 'managed-identity']).default('password'),
  /** Client id of a user-assigned managed identity for DATABASE_AUTH=managed-identity; empty: system-assigned. */
  DATABASE_IDENTITY_CLIENT_ID: optionalString,
  /** This replica's name in run leases; empty: host name and process id. */
  REPLICA_ID: optionalString.pipe(z.string().max(100, 'must be at most 100 characters').optional()),
  /** A replica that stops renewing its runs' leases loses them after this many seconds. */
  LEASE_TTL_SECONDS: duration(15, 3600, 'seconds'),
  /** How often a replica renews its leases and looks for runs to take over. */
  LEASE_HEARTBEAT_SECONDS: duration(5, 1800, 'seconds'),
};
