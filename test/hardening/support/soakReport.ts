import Database from 'better-sqlite3';
import path from 'node:path';
import { ENTITY_MAP_CATALOG } from '../../../src/engine/catalog/entityMapCatalog';
import { DUAL_WRITE_PACKAGE_ORDER } from '../../../src/engine/catalog/solutions';
import { catalogMaps } from '../../engine/emulatorRig';
import { cardOf, noticeTextOf, type LocalConnector } from '../../support/localConnector';
import type { SoakRunOutcome } from './soakDriver';
import type { SoakOptions } from './soakOptions';
import { codeOf, orgOf } from './soakSeed';

// What a soak reports, and the accounting that compares what happened (the emulator's effects log and
// row stamps, the bot's store, the connector's recordings) with what every run should have done.

const PACKAGES = [...DUAL_WRITE_PACKAGE_ORDER];

export interface SoakReport {
  runs: number;
  succeeded: number;
  effects_duplicated: number;
  effects_lost: number;
  notices_missing: number;
  notices_duplicated: number;
  restarts: number;
  /** From SIGKILL to the restarted bot answering /readyz (its store and the emulator answer), mean ms. */
  restart_ms_avg: number;
  peak_rss_mb: number;
  faults_injected: Record<string, number>;
  seconds: number;
  failures: string[];
  replicas: number;
  /** Runs taken over from a replica that stopped renewing its lease. */
  takeovers: number;
  /** Writes refused because the writer's lease was gone (a frozen replica waking up). */
  fenced_writes: number;
  /** Conversations in which the connector saw more sends than Teams allows (7/1 s, 8/2 s, 60/30 s). */
  teams_limit_breaches: number;
  /** In-place updates that sent a card's content again unchanged (one update sent twice). */
  card_updates_repeated: number;
}

export type ReplicaFigures = Pick<
  SoakReport,
  'replicas' | 'takeovers' | 'fenced_writes' | 'teams_limit_breaches' | 'card_updates_repeated'
>;

interface EmulatorState {
  connections: Array<{
    id: string;
    financeOps: string;
    dataverse: string;
    maps: Array<{ name: string; state: string }>;
  }>;
  effects: { bySubject: Record<string, number> };
  faults: Record<string, number>;
  dataverseStats: {
    requests: number;
    injectedErrors: number;
    hangs: number;
    throttled: Record<string, number>;
  };
}

/** Compares what happened with what every run should have done. */
export async function account(
  rows: Array<{ id: string; status: string; body: string; lease?: string }>,
  emulatorUrl: string,
  dir: string,
  connector: LocalConnector,
  specs: Array<{ index: number; conversation: { id: string }; requester: { name: string } }>,
  outcomes: SoakRunOutcome[],
  options: SoakOptions,
): Promise<
  Omit<SoakReport, 'restarts' | 'restart_ms_avg' | 'peak_rss_mb' | 'seconds' | keyof ReplicaFigures>
> {
  const failures: string[] = [];
  const statusOf = new Map(rows.map((r) => [r.id, r.status]));
  // Why a run did not succeed: its steps that did not (with their error).
  const whyOf = new Map(
    rows.map((r) => [
      r.id,
      (
        JSON.parse(r.body) as {
          steps: Array<{ id: string; status: string; attempts: number; error?: unknown }>;
        }
      ).steps
        .filter((step) => step.status !== 'succeeded' && step.status !== 'pending')
        .map(
          (step) =>
            `${step.id} ${step.status} after ${step.attempts} attempts: ${JSON.stringify(step.error ?? null)}`,
        )
        .join('; ') + (r.lease ? ` (lease: ${r.lease})` : ''),
    ]),
  );
  const state = (await (await fetch(`${emulatorUrl}/_emulator/state`)).json()) as EmulatorState;
  // Rows whose company lookup was written, and how often (the Dataverse part counts every write).
  const emuDb = new Database(path.join(dir, 'emulator.sqlite'), { readonly: true });
  const stamps = emuDb.prepare('SELECT org, stamps FROM dv_stamps').all() as Array<{
    org: string;
    stamps: number;
  }>;
  emuDb.close();

  let succeeded = 0;
  let lost = 0;
  let noticesMissing = 0;
  let noticesDuplicated = 0;
  for (const outcome of outcomes) {
    const i = outcome.index;
    const status = outcome.runId ? statusOf.get(outcome.runId) : undefined;
    if (status === 'succeeded') succeeded += 1;
    else {
      const why = outcome.runId ? whyOf.get(outcome.runId) : '';
      failures.push(
        `run ${i}: ${status ?? 'no run'}${outcome.error ? ` (${outcome.error})` : ''} ${why ?? ''}`,
      );
    }
    const spec = specs[i];
    const notices = connector
      .inConversation(spec.conversation.id)
      .filter(
        (m) => noticeTextOf(m.activity).includes(`<at>${spec.requester.name}</at>`) && cardOf(m.activity),
      );
    if (notices.length === 0) noticesMissing += 1;
    if (notices.length > 1) noticesDuplicated += notices.length - 1;

    // Every effect this run should have left, each exactly once.
    const fo = `soak-fo-${i}`;
    const org = orgOf(i);
    const code = codeOf(i);
    const connection = state.connections.find((c) => c.financeOps === fo && c.dataverse === org);
    const expected = [
      `lcs.deploy ${fo}`,
      `fo.legalEntity.create ${fo}/${code}`,
      `gw.connection.create ${fo}+${org}`,
      `dv.company.create ${org}/${code}`,
      ...PACKAGES.map((p) => `pp.package.install ${org}/${p}`),
      ...(connection
        ? [
            `gw.legalEntity.add ${connection.id}/${code}`,
            `gw.solution.apply ${connection.id}/msdyn_DualWriteAppCoreMaps`,
          ]
        : []),
    ];
    const missing = expected.filter((subject) => !state.effects.bySubject[subject]);
    if (!connection) missing.push(`connection ${fo}+${org}`);
    // The maps the setup runs (the catalog's); their namesakes of other tables stay unpublished-only.
    const mapsNotRunning = connection
      ? catalogMaps(connection.maps).filter((m) => m.state !== 'Running').length
      : ENTITY_MAP_CATALOG.length;
    const rowsStamped = stamps.filter((s) => s.org === org).length;
    const rowsUnstamped = options.accountsPerOrg + options.contactsPerOrg - rowsStamped;
    const runLost = missing.length + mapsNotRunning + Math.max(0, rowsUnstamped);
    if (runLost > 0) {
      failures.push(
        `run ${i} lost: ${[...missing, mapsNotRunning ? `${mapsNotRunning} maps not running` : '', rowsUnstamped ? `${rowsUnstamped} rows unstamped` : ''].filter(Boolean).join(', ')}`,
      );
    }
    lost += runLost;
  }
  // Anything applied more than once: live-sync batches repeat by design, and so does a Refresh of a
  // map's tables before a retried initial-sync start (it changes no data; docs/dynamics-apis.md).
  const twice = Object.entries(state.effects.bySubject).filter(
    ([subject, count]) =>
      count > 1 && !subject.startsWith('sync.') && !subject.startsWith('gw.project.refresh'),
  );
  const rowsStampedTwice = stamps.filter((s) => s.stamps > 1).length;
  for (const [subject, count] of twice) failures.push(`${subject} applied ${count} times`);
  if (rowsStampedTwice) failures.push(`${rowsStampedTwice} rows stamped more than once`);
  return {
    runs: outcomes.length,
    succeeded,
    effects_duplicated: twice.length + rowsStampedTwice,
    effects_lost: lost,
    notices_missing: noticesMissing,
    notices_duplicated: noticesDuplicated,
    faults_injected: {
      http_5xx: state.faults.transient ?? 0,
      http_429: state.faults.throttled ?? 0,
      http_timeouts: state.faults.hung ?? 0,
      dataverse_requests: state.dataverseStats.requests,
      dataverse_503: state.dataverseStats.injectedErrors,
      dataverse_hangs: state.dataverseStats.hangs,
      dataverse_429: Object.values(state.dataverseStats.throttled ?? {}).reduce((a, b) => a + b, 0),
    },
    failures,
  };
}
