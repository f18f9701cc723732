import { migrate, openDatabase, type Db } from '../../store/database';

/**
 * The emulator's own tables in its SQLite file (shared with the Dataverse part, which keeps its own
 * tables). Prefixes: emu_ shell, lcs_ provisioning, fo_ F&O data, pp_ Power Platform, gw_ gateway.
 * Durations are stored as absolute due times (epoch ms) so state advances correctly after a restart.
 */
export function openEmulatorDatabase(file: string): Db {
  const db = openDatabase(file);
  migrate(
    db,
    'emulator_001_shell',
    `
    CREATE TABLE emu_effects (seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, kind TEXT NOT NULL,
      subject TEXT NOT NULL, detail TEXT);
    CREATE INDEX emu_effects_kind ON emu_effects (kind, subject);
    CREATE TABLE emu_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE lcs_environments (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE COLLATE NOCASE,
      demo_data INTEGER NOT NULL, platform_version TEXT NOT NULL, tenant_id TEXT NOT NULL,
      state TEXT NOT NULL, failure_reason TEXT, default_company TEXT NOT NULL,
      created_at INTEGER NOT NULL, ready_at INTEGER NOT NULL);
    CREATE TABLE fo_rows (env TEXT NOT NULL COLLATE NOCASE, entity_set TEXT NOT NULL, company TEXT NOT NULL,
      row_key TEXT NOT NULL, data TEXT NOT NULL, seq INTEGER NOT NULL,
      PRIMARY KEY (env, entity_set, row_key));
    CREATE INDEX fo_rows_company ON fo_rows (env, entity_set, company);
    CREATE TABLE pp_environments (id TEXT PRIMARY KEY, display_name TEXT NOT NULL UNIQUE COLLATE NOCASE,
      org TEXT NOT NULL UNIQUE, crm_prime INTEGER NOT NULL, tenant_id TEXT NOT NULL, state TEXT NOT NULL,
      created_at INTEGER NOT NULL, ready_at INTEGER NOT NULL);
    CREATE TABLE pp_operations (id TEXT PRIMARY KEY, environment_id TEXT NOT NULL, unique_name TEXT NOT NULL,
      status TEXT NOT NULL, error TEXT, created_at INTEGER NOT NULL, ready_at INTEGER NOT NULL);
    CREATE TABLE gw_connections (id TEXT PRIMARY KEY, fo_env TEXT NOT NULL, dv_org TEXT NOT NULL,
      fo_url TEXT NOT NULL, dv_url TEXT NOT NULL, solution_applied INTEGER NOT NULL DEFAULT 0,
      created_at INTEGER NOT NULL, UNIQUE (fo_env, dv_org));
    CREATE TABLE gw_legal_entities (connection_id TEXT NOT NULL, code TEXT NOT NULL,
      PRIMARY KEY (connection_id, code));
    CREATE TABLE gw_maps (connection_id TEXT NOT NULL, name TEXT NOT NULL, state TEXT NOT NULL,
      last_error TEXT, master TEXT, sync_companies TEXT, sync_due_at INTEGER, updated_at INTEGER NOT NULL,
      PRIMARY KEY (connection_id, name));
    CREATE TABLE gw_jobs (id TEXT PRIMARY KEY, connection_id TEXT NOT NULL, map TEXT NOT NULL,
      action INTEGER NOT NULL, status TEXT NOT NULL, error TEXT, created_at INTEGER NOT NULL);
    CREATE TABLE gw_synced (connection_id TEXT NOT NULL, map TEXT NOT NULL, company TEXT NOT NULL,
      fo_key TEXT NOT NULL, dv_id TEXT NOT NULL, PRIMARY KEY (connection_id, map, company, fo_key));
    CREATE INDEX gw_synced_dv ON gw_synced (connection_id, map, dv_id);
    `,
  );
  // Unified environments (F&O in the Power Platform admin center): the environment's type, whether its
  // Dataverse org is linked to an LCS environment, and the finance and operations app installed into it.
  migrate(
    db,
    'emulator_002_unified',
    `
    ALTER TABLE lcs_environments ADD COLUMN unified INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE pp_environments ADD COLUMN sku TEXT NOT NULL DEFAULT 'Sandbox';
    CREATE TABLE pp_unified (environment_id TEXT PRIMARY KEY, template TEXT, dev_tools INTEGER NOT NULL,
      demo_data INTEGER NOT NULL, state TEXT NOT NULL, fo_env TEXT, error TEXT, ready_at INTEGER NOT NULL);
    `,
  );
  // Dual-write-automations' shapes: a map has a project (pid) once action 8 created it.
  migrate(db, 'emulator_002_gateway_projects', 'ALTER TABLE gw_maps ADD COLUMN pid TEXT;');
  // Power Platform integration: one F&O environment to one Dataverse org, each side unique.
  migrate(
    db,
    'emulator_003_integration',
    `CREATE TABLE pp_integrations (fo_env TEXT PRIMARY KEY COLLATE NOCASE, dv_org TEXT NOT NULL UNIQUE,
      created_at INTEGER NOT NULL);`,
  );
  // The environment's location (the create body's `location`; TYPES lists the codes).
  migrate(
    db,
    'emulator_004_location',
    "ALTER TABLE pp_environments ADD COLUMN location TEXT NOT NULL DEFAULT 'unitedstates';",
  );
  // Who linked the environments (the user token's oid): only that user may add table maps
  // (dual-write-troubleshooting-dual-write-module.md).
  migrate(db, 'emulator_005_linked_by', 'ALTER TABLE gw_connections ADD COLUMN linked_by TEXT;');
  // A map's project refreshed since it last changed (mapProjects.ts): an initial sync needs it.
  migrate(
    db,
    'emulator_006_project_refresh',
    'ALTER TABLE gw_maps ADD COLUMN refreshed INTEGER NOT NULL DEFAULT 0;',
  );
  // The lookups done on every gateway read and every tick: a map's latest requests, the initial syncs
  // that are due, the running maps, and F&O rows in write order (live sync reads those written since
  // its last pass).
  migrate(
    db,
    'emulator_007_lookup_indexes',
    `
    CREATE INDEX gw_jobs_map ON gw_jobs (connection_id, map, created_at);
    CREATE INDEX gw_maps_due ON gw_maps (sync_due_at) WHERE state = 'InitialSync';
    CREATE INDEX gw_maps_state ON gw_maps (state, connection_id, name);
    CREATE INDEX fo_rows_seq ON fo_rows (env, entity_set, seq);
    `,
  );
  return db;
}
