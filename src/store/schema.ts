// The store's tables, one text for SQLite and PostgreSQL (each store runs the migrations by the same
// names), so a reader sees the whole schema in one place. The dialects differ only in the
// auto-numbered key, passed in.

export const SQLITE_SERIAL_KEY = 'INTEGER PRIMARY KEY AUTOINCREMENT';
export const POSTGRES_SERIAL_KEY = 'BIGSERIAL PRIMARY KEY';

/**
 * A run is one row holding its JSON snapshot; `rev` doubles as a compare-and-swap guard. The
 * one-active-run-per-environment-pair rule is a partial unique index, so two starts cannot both win.
 */
export const RUN_SCHEMA = (serialKey: string) => `
CREATE TABLE runs (
  id TEXT PRIMARY KEY,
  request_key TEXT NOT NULL UNIQUE,
  lock_key TEXT NOT NULL,
  lock_held INTEGER NOT NULL,
  status TEXT NOT NULL,
  rev INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  body TEXT NOT NULL
);
CREATE UNIQUE INDEX runs_one_active_per_pair ON runs(lock_key) WHERE lock_held = 1;
CREATE INDEX runs_status ON runs(status, created_at);
CREATE TABLE run_audit (
  seq ${serialKey},
  run_id TEXT NOT NULL REFERENCES runs(id),
  at TEXT NOT NULL,
  actor TEXT,
  action TEXT NOT NULL,
  step_id TEXT,
  detail TEXT
);
CREATE INDEX run_audit_run ON run_audit(run_id, seq);
`;

/** Leases of runs (who drives which run) and the writes they refused. */
export const LEASE_SCHEMA = (serialKey: string) => `
CREATE TABLE run_leases (
  run_id TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  epoch BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE TABLE fenced_writes (
  seq ${serialKey},
  run_id TEXT NOT NULL,
  owner TEXT NOT NULL,
  epoch BIGINT NOT NULL,
  at TEXT NOT NULL
);
`;

export const CONVERSATION_SCHEMA = `
CREATE TABLE conversations (
  conversation_id TEXT PRIMARY KEY,
  reference TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE run_messages (
  run_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  step_id TEXT NOT NULL DEFAULT '',
  conversation_id TEXT NOT NULL,
  activity_id TEXT,
  created_at TEXT NOT NULL,
  PRIMARY KEY (run_id, kind, step_id)
);
`;

/**
 * Who holds an unconfirmed claim: a replica recovering after a restart takes it over before sending,
 * and the claimer checks it still holds it right before its own send, so a slow (not dead) claimer
 * and the recovery do not both post the message.
 */
export const MESSAGE_CLAIMS_SCHEMA = `ALTER TABLE run_messages ADD COLUMN claimed_by TEXT;`;

/**
 * Status cards (a "status" answer that follows its run) get their own table: one per run and
 * conversation, the newest. They used to be run_messages rows with step_id 'status:<conversation>'.
 */
export const STATUS_CARD_SCHEMA = `
CREATE TABLE status_cards (
  run_id TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  activity_id TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (run_id, conversation_id)
);
INSERT INTO status_cards (run_id, conversation_id, activity_id, updated_at)
  SELECT run_id, conversation_id, activity_id, created_at FROM run_messages
  WHERE kind = 'run' AND step_id LIKE 'status:%' AND activity_id IS NOT NULL;
DELETE FROM run_messages WHERE kind = 'run' AND step_id LIKE 'status:%';
`;

/**
 * What keeps the bot within Teams' limits as a whole, whatever replica sends: the sends of each
 * conversation in the last hour, and the newest version of each card an update was sent for.
 */
export const SEND_BUDGET_SCHEMA = `
CREATE TABLE conversation_sends (
  conversation_id TEXT NOT NULL,
  at_ms BIGINT NOT NULL,
  replica TEXT NOT NULL
);
CREATE INDEX conversation_sends_at ON conversation_sends(conversation_id, at_ms);
CREATE TABLE card_updates (
  card_key TEXT PRIMARY KEY,
  version BIGINT NOT NULL,
  replica TEXT NOT NULL,
  at_ms BIGINT NOT NULL
);
`;

/**
 * Reviews that may be started (src/engine/planReviews.ts): the plan card's token and the input it
 * was reviewed for. Rows older than a Review's validity are deleted as new ones arrive.
 */
export const PLAN_REVIEW_SCHEMA = `
CREATE TABLE plan_reviews (
  token TEXT PRIMARY KEY,
  input_key TEXT NOT NULL,
  reviewed_at TEXT NOT NULL
);
CREATE INDEX plan_reviews_at ON plan_reviews(reviewed_at);
`;

/** The reviewed plan itself (JSON), so a Start on any replica goes on without reading Dynamics. */
export const PLAN_REVIEW_PREVIEW_SCHEMA = `
ALTER TABLE plan_reviews ADD COLUMN preview TEXT;
CREATE INDEX plan_reviews_input ON plan_reviews(input_key, reviewed_at);
`;
