import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalConnector } from '../../support/localConnector';
import { TeamsClient, newConversation, user } from '../../support/teamsClient';
import { driveSoakRun } from './soakDriver';
import { FAULTS, type SoakOptions } from './soakOptions';
import { freePort, kill, peakRssMb, spawnSource, stop, waitForHealth } from './soakProcesses';
import { freeze, readReplicaRecord, teamsLimitBreaches, updatesRepeated } from './soakReplicas';
import { account, type SoakReport } from './soakReport';
import { TIME_SCALE, codeOf, orgOf, seedOrgs } from './soakSeed';

export type { SoakOptions } from './soakOptions';
export type { SoakReport } from './soakReport';

const HTTP_TIMEOUT_MS = 2000;

/**
 * The soak: N new-existing setups at once (each with its own existing Dataverse full of company-less
 * rows, so each bootstrap has work and needs a second person's approval) against the emulator with
 * injected faults, while the bot process is SIGKILLed and started again at random. The emulator and
 * the local Bot Connector live in this process and survive every restart; the bot recovers from its
 * SQLite store. At the end, the emulator's effects log, its row-stamp counters, the bot's store and
 * the connector's recordings are compared with what every run should have done.
 */
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

async function putSettings(emulatorUrl: string, body: unknown): Promise<void> {
  const response = await fetch(`${emulatorUrl}/_emulator/settings`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`PUT settings: ${response.status} ${await response.text()}`);
}
