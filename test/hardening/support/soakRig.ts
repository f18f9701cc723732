import { ENTITY_MAP_CATALOG } from '../../../src/engine/catalog/entityMapCatalog';
import { catalogMaps } from '../../engine/emulatorRig';
import type { ChildProcess } from 'node:child_process';
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmulator } from '../../../src/emulator/index';
import { LocalConnector, cardOf, noticeTextOf } from '../../support/localConnector';
import { TeamsClient, newConversation, user } from '../../support/teamsClient';
import { driveSoakRun, type SoakRunOutcome } from './soakDriver';
import { freePort, kill, peakRssMb, spawnSource, stop, waitForHealth } from './soakProcesses';
import { freeze, readReplicaRecord, teamsLimitBreaches, updatesRepeated } from './soakReplicas';
import { DUAL_WRITE_PACKAGE_ORDER } from '../../../src/engine/catalog/solutions';

/**
 * The soak: N new-existing setups at once (each with its own existing Dataverse full of company-less
 * rows, so each bootstrap has work and needs a second person's approval) against the emulator with
 * injected faults, while the bot process is SIGKILLed and started again at random. The emulator and
 * the local Bot Connector live in this process and survive every restart; the bot recovers from its
 * SQLite store. At the end, the emulator's effects log, its row-stamp counters, the bot's store and
 * the connector's recordings are compared with what every run should have done.
 */
export interface SoakOptions {
  runs: number;
  restarts: number;
  /** Stop killing after this many restarts (default: keep killing at random until the runs end). */
  maxRestarts?: number;
  /** Bot up-time between kills, ms (random in this range). */
  killEveryMs: [number, number];
  deadlineMs: number;
  accountsPerOrg: number;
  contactsPerOrg: number;
  /** The fault mix (default FAULTS). */
  faults?: typeof FAULTS;
  log?: (line: string) => void;
  /**
   * Bot processes on one PostgreSQL (`databaseUrl`); runs are started through each in turn. With 2 or
   * more, each disruption alternates: a replica is SIGKILLed (and started again after its leases
   * expired), or SIGSTOPped past its leases and then SIGCONTed.
   */
  replicas?: number;
  databaseUrl?: string;
  leaseTtlSeconds?: number;
}

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

/** The fault mix: at least 20% of the requests of every API get a 429, a 5xx or a timeout. */
export const FAULTS = {
  // Drawn one after the other: 1 - 0.95 * 0.93 * 0.89 = 21% of requests get a timeout, a 429 or a 5xx.
  http: {
    latencyMs: 20,
    timeoutRate: 0.05,
    throttleRate: 0.07,
    retryAfterSeconds: 1,
    errorRate: 0.11,
    hangMs: 2500,
  },
  // 1 - 0.85 * 0.93 = 21%: a 503 before anything runs, or a hang after the write committed (the
  // answer is lost: the client times out and must not apply it twice). Dataverse durations are
  // scaled by the time scale (0.002): hangMs 1,250,000 is 2.5 s real.
  dataverse: { errorRate: 0.15, hangRate: 0.07, hangMs: 1_250_000, addedLatencyMs: 20, throttleBurst: 3 },
};
const HTTP_TIMEOUT_MS = 2000;
const TIME_SCALE = '0.002';
const PACKAGES = [...DUAL_WRITE_PACKAGE_ORDER];

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const log = options.log ?? (() => undefined);
  const started = Date.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-soak-'));
  const emulatorFile = path.join(dir, 'emulator.sqlite');
  await seedOrgs(emulatorFile, options);

  const replicas = options.replicas ?? 1;
  if (replicas > 1 && !options.databaseUrl) throw new Error('several replicas need a databaseUrl');
  const ttl = options.leaseTtlSeconds ?? 6;
  const botPorts = await Promise.all(Array.from({ length: replicas }, () => freePort()));
  const emulatorPort = await freePort();
  const emulatorUrl = `http://127.0.0.1:${emulatorPort}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...(options.databaseUrl
      ? {
          DATABASE_URL: options.databaseUrl,
          LEASE_TTL_SECONDS: String(ttl),
          LEASE_HEARTBEAT_SECONDS: String(ttl / 3),
        }
      : {}),
    EMULATOR_PORT: String(emulatorPort),
    EMULATOR_URL: emulatorUrl,
    DATA_DIR: dir,
    EMULATOR_TIME_SCALE: TIME_SCALE,
    HTTP_TIMEOUT_MS: String(HTTP_TIMEOUT_MS),
    // Every run at once, in one tenant: the tenant's limit on unfinished runs makes room for them all.
    MAX_ACTIVE_RUNS_PER_TENANT: String(Math.max(20, options.runs)),
    LOG_LEVEL: 'warn',
    PLAYGROUND: 'false',
  };
  const stderr: string[] = [];
  const connector = await new LocalConnector().start();
  const emulator = spawnSource('src/emulator/standalone.ts', { ...env, EMULATOR_URL: '' }, stderr);
  const bots: Array<ChildProcess | undefined> = [];
  let peak = 0;
  let restarts = 0;
  const restartMs: number[] = [];
  const sample = () => (peak = Math.max(peak, ...bots.map((b) => peakRssMb(b?.pid))));
  const sampler = setInterval(sample, 250);
  const startBot = async (k = 0) => {
    bots[k] = spawnSource(
      'src/index.ts',
      { ...env, PORT: String(botPorts[k]), REPLICA_ID: `replica-${k}` },
      stderr,
    );
    await waitForHealth(`http://127.0.0.1:${botPorts[k]}/readyz`);
  };
  try {
    await waitForHealth(`${emulatorUrl}/_emulator/health`);
    await putSettings(emulatorUrl, options.faults ?? FAULTS);
    for (let k = 0; k < replicas; k += 1) await startBot(k);
    const clients = botPorts.map((port) => new TeamsClient(`http://127.0.0.1:${port}`, connector.url));
    const deadline = Date.now() + options.deadlineMs;
    const specs = Array.from({ length: options.runs }, (_, i) => ({
      index: i,
      scenario: 'new-existing',
      inputs: {
        // The LCS path the soak's effect checks count (the card preselects a unified environment).
        financeOpsHome: 'lcs',
        financeOpsName: `soak-fo-${i}`,
        dataverseUrl: `${emulatorUrl}/orgs/${orgOf(i)}`,
        companyCode: codeOf(i),
        companyName: `Soak ${i}`,
        bootstrapTables: 'accounts,contacts',
        initialSyncEntities: '',
        master: 'dataverse',
      },
      requester: user(`Requester ${i}`),
      approver: user(`Approver ${i}`),
      conversation: newConversation(),
    }));
    let finished = false;
    const driving = Promise.all(
      specs.map((spec) => driveSoakRun(clients[spec.index % replicas], connector, spec, deadline)),
    ).finally(() => (finished = true));
    // The killer: SIGKILL at a random moment, start again at once on the same port and store.
    const killer = (async () => {
      while (!finished && Date.now() < deadline) {
        const [min, max] = options.killEveryMs;
        const wait = min + Math.random() * (max - min);
        const until = Date.now() + wait;
        while (!finished && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 100));
        if (finished || restarts >= (options.maxRestarts ?? Infinity)) continue;
        // Past the floor, each planned kill happens with even odds: the remaining schedule is random.
        if (restarts >= options.restarts && Math.random() < 0.5) continue;
        sample();
        const k = restarts % replicas;
        restarts += 1;
        if (replicas > 1 && restarts % 2 === 0) {
          // Frozen past its leases: the others take its runs; woken, it must change and send nothing.
          await freeze(bots[k], (ttl + 3) * 1000);
          log(`soak: froze replica ${k} for ${ttl + 3} s (${restarts})`);
          continue;
        }
        const killedAt = Date.now();
        await kill(bots[k]);
        // With replicas, stay down past the leases so the others take the runs over.
        if (replicas > 1) await new Promise((resolve) => setTimeout(resolve, (ttl + 2) * 1000));
        await startBot(k);
        restartMs.push(Date.now() - killedAt);
        log(
          `soak: killed replica ${k} (${restarts}) after ${Math.round(wait)} ms up; back in ${Date.now() - killedAt} ms`,
        );
      }
    })();
    const outcomes = await driving;
    await killer;
    // Let the last updates land, then stop the bot cleanly and count.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    sample();
    for (const bot of bots) await stop(bot);
    const replicaRecord = await readReplicaRecord(options.databaseUrl, dir);
    const report = await account(replicaRecord.runs, emulatorUrl, dir, connector, specs, outcomes, options);
    return {
      ...report,
      replicas,
      takeovers: replicaRecord.takeovers,
      fenced_writes: replicaRecord.fencedWrites,
      teams_limit_breaches: teamsLimitBreaches(connector),
      card_updates_repeated: updatesRepeated(connector),
      restarts,
      restart_ms_avg: restartMs.length
        ? Math.round(restartMs.reduce((a, b) => a + b, 0) / restartMs.length)
        : 0,
      peak_rss_mb: peak,
      seconds: Math.round((Date.now() - started) / 1000),
    };
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${stderr.join('').slice(-2000)}`);
  } finally {
    clearInterval(sampler);
    for (const bot of bots) await kill(bot);
    await stop(emulator);
    await connector.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

type ReplicaFigures = Pick<
  SoakReport,
  'replicas' | 'takeovers' | 'fenced_writes' | 'teams_limit_breaches' | 'card_updates_repeated'
>;

const orgOf = (i: number) => `soakdv${i}`;
const codeOf = (i: number) => `S${String(i).padStart(3, '0')}`;

/**
 * One existing Dataverse org per run: the emulator seeds one per data file, so it is started once per
 * org on the same file, with the "seeded" mark removed in between.
 */
async function seedOrgs(file: string, options: SoakOptions): Promise<void> {
  for (let i = 0; i < options.runs; i += 1) {
    const emulator = await startEmulator({
      port: 0,
      dataFile: file,
      timeScale: Number(TIME_SCALE),
      seed: {
        existingFinanceOps: i === 0 ? {} : null,
        existingDataverse: {
          name: orgOf(i),
          accounts: options.accountsPerOrg,
          contacts: options.contactsPerOrg,
          appUsers: true,
        },
      } as never,
    });
    await emulator.close();
    if (i < options.runs - 1) {
      const db = new Database(file);
      db.prepare("DELETE FROM emu_meta WHERE key = 'seeded'").run();
      db.close();
    }
  }
}

async function putSettings(emulatorUrl: string, body: unknown): Promise<void> {
  const response = await fetch(`${emulatorUrl}/_emulator/settings`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`PUT settings: ${response.status} ${await response.text()}`);
}

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
async function account(
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
