import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { LocalConnector } from '../test/support/localConnector';
import { TeamsClient, newConversation, user } from '../test/support/teamsClient';
import { driveScenario } from '../test/support/scenarioDriver';
import type { Harness } from '../test/support/botHarness';
import { startEmbeddedPostgres } from '../test/support/postgres/embeddedPostgres';

/**
 * `npm run bench:bot -- [--conversations 50] [--rounds 3] [--think-ms 1000] [--replicas 1] [--postgres] [--json]`: starts the emulator and the bot in processes of
 * their own (the bot with its SQLite store, as `npm start` runs it, pointed at the emulator by
 * EMULATOR_URL), then N admins at once each drive a setup through the
 * cards in their own channel thread to the completion notice, and again for each round (a p99 of
 * one round's 50 clicks per verb would be its slowest click alone). Prints the latency of every card
 * action (adaptiveCard/action invoke, measured at the client), the proactive sends per run, the most
 * sends any conversation got in a sliding 30 s, and the bot process's peak resident memory.
 */
function arg(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(url: string): Promise<void> {
  for (let i = 0; i < 300; i += 1) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not come up`);
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function peakRssMb(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return Math.round(kb / 1024);
  } catch {
    return 0;
  }
}

async function main(): Promise<void> {
  const conversations = arg('conversations', 50);
  const rounds = arg('rounds', 3);
  // A person reads a card before clicking: each action waits thinkMs x (0.5 to 1.5). 0 = a burst.
  const thinkMs = arg('think-ms', 1000);
  const pause = () => new Promise<void>((resolve) => setTimeout(resolve, thinkMs * (0.5 + Math.random())));
  const json = process.argv.includes('--json');
  // Several bot processes on one PostgreSQL (TEST_DATABASE_URL or an embedded server); conversations
  // are spread over them, so card actions often land on a replica that does not drive the run.
  const replicas = arg('replicas', 1);
  // `--postgres` puts one replica on PostgreSQL too, to tell the store's cost from the second process's.
  const onPostgres = replicas > 1 || process.argv.includes('--postgres');
  const postgres = onPostgres && !process.env.TEST_DATABASE_URL ? await startEmbeddedPostgres() : undefined;
  const databaseUrl = onPostgres ? (process.env.TEST_DATABASE_URL ?? postgres?.url) : undefined;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-bot-'));
  const ports = await Promise.all(Array.from({ length: replicas }, () => freePort()));
  const emulatorPort = await freePort();
  const connector = await new LocalConnector().start();
  const env = {
    ...process.env,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    EMULATOR_PORT: String(emulatorPort),
    EMULATOR_URL: `http://127.0.0.1:${emulatorPort}`,
    DATA_DIR: dataDir,
    EMULATOR_TIME_SCALE: '0.002',
    // Every conversation's run at once, in one tenant (and the warm-up's): room for them all.
    MAX_ACTIVE_RUNS_PER_TENANT: String(conversations + 1),
    LOG_LEVEL: 'warn',
    PLAYGROUND: 'false',
  };
  // The emulator runs in its own process, as a real tenant would: the bot's figures are the bot's.
  const root = path.join(__dirname, '..');
  // Measure the built code, as `npm start` runs it (no on-the-fly TypeScript compilation).
  execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
  const emulator = spawn(process.execPath, [path.join(root, 'dist', 'src', 'emulator', 'standalone.js')], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitFor(`${env.EMULATOR_URL}/_emulator/health`);
  const bots = ports.map((port, k) =>
    spawn(
      process.execPath,
      [
        ...(process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : []),
        path.join(root, 'dist', 'src', 'index.js'),
      ],
      {
        env: { ...env, PORT: String(port), REPLICA_ID: `bench-${k}` },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    ),
  );
  let peak = 0;
  const sample = () => (peak = Math.max(peak, ...bots.map((bot) => peakRssMb(bot.pid!))));
  const sampler = setInterval(sample, 500);
  try {
    const botUrls = ports.map((port) => `http://127.0.0.1:${port}`);
    for (const url of botUrls) await waitFor(`${url}/readyz`);
    const clients = botUrls.map((url) => new TeamsClient(url, connector.url));
    const client = clients[0];
    const latencies: number[] = [];
    const serverLatencies: number[] = [];
    const byVerb = new Map<string, number[]>();
    const timed = (client: TeamsClient) =>
      Object.assign(Object.create(client), {
        invoke: async (...args: Parameters<TeamsClient['invoke']>) => {
          const result = await client.invoke(...args);
          const ms = result.clientMs;
          latencies.push(ms);
          if (result.serverMs !== undefined) serverLatencies.push(result.serverMs);
          byVerb.set(args[2], [...(byVerb.get(args[2]) ?? []), ms]);
          return result;
        },
      }) as TeamsClient;
    const harnessOf = (i: number) =>
      ({ connector, client: timed(clients[i % replicas]) }) as unknown as Harness;
    // One unmeasured conversation first, so the figures are of a warm process.
    await driveScenario({ connector, client } as unknown as Harness, {
      scenario: 'new-new',
      inputs: { financeOpsName: 'bench-warmup-fo', dataverseName: 'bench-warmup-dv' },
      requester: user('Warm-up'),
    });
    connector.calls.length = 0;
    const started = Date.now();
    const results: Array<PromiseSettledResult<{ noticeText: string }>> = [];
    for (let round = 0; round < rounds; round += 1) {
      results.push(
        ...(await Promise.allSettled(
          Array.from({ length: conversations }, (_, i) =>
            driveScenario(harnessOf(i), {
              scenario: 'new-new',
              inputs: { financeOpsName: `bench-fo-${round}-${i}`, dataverseName: `bench-dv-${round}-${i}` },
              requester: user(`Admin ${i}`),
              conversation: newConversation(),
              pause: thinkMs > 0 ? pause : undefined,
              timeoutMs: 600_000,
            }),
          ),
        )),
      );
    }
    const completed = results.filter(
      (r) => r.status === 'fulfilled' && r.value.noticeText.includes('completed'),
    ).length;
    const failures = results
      .filter((r) => r.status === 'rejected')
      .map((r) => String((r as PromiseRejectedResult).reason).slice(0, 200));

    const byConversation = new Map<string, number[]>();
    for (const call of connector.calls) {
      const times = byConversation.get(call.conversationId) ?? [];
      times.push(call.at);
      byConversation.set(call.conversationId, times);
    }
    let max30s = 0;
    for (const times of byConversation.values()) {
      times.sort((a, b) => a - b);
      for (let i = 0, j = 0; j < times.length; j += 1) {
        while (times[j] - times[i] >= 30_000) i += 1;
        max30s = Math.max(max30s, j - i + 1);
      }
    }
    latencies.sort((a, b) => a - b);
    sample();
    const report = {
      replicas,
      conversations,
      rounds,
      think_ms: thinkMs,
      completed,
      invokes: latencies.length,
      invoke_p50_ms: Math.round(percentile(latencies, 50) * 10) / 10,
      invoke_p95_ms: Math.round(percentile(latencies, 95) * 10) / 10,
      invoke_p99_ms: Math.round(percentile(latencies, 99) * 10) / 10,
      // The same invokes timed inside the bot (Server-Timing), without the client's own queueing.
      server_p50_ms:
        Math.round(
          percentile(
            serverLatencies.sort((a, b) => a - b),
            50,
          ) * 10,
        ) / 10,
      server_p99_ms: Math.round(percentile(serverLatencies, 99) * 10) / 10,
      sends_per_run: Math.round((connector.calls.length / (conversations * rounds)) * 10) / 10,
      max_sends_per_conversation_30s: max30s,
      peak_rss_mb: peak,
      wall_s: Math.round((Date.now() - started) / 100) / 10,
      p99_ms_by_verb: Object.fromEntries(
        [...byVerb].map(([verb, values]) => [
          verb,
          Math.round(
            percentile(
              values.sort((a, b) => a - b),
              99,
            ),
          ),
        ]),
      ),
      ...(failures.length ? { failures: failures.slice(0, 3) } : {}),
    };
    if (json) process.stdout.write(`${JSON.stringify(report)}\n`);
    else console.table(report);
    if (completed !== conversations * rounds) process.exitCode = 1;
  } finally {
    clearInterval(sampler);
    bots.forEach((bot) => bot.kill('SIGINT'));
    emulator.kill('SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await connector.stop();
    await postgres?.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
