/**
 * Bootstrap at the service limit: `npm run bench:bootstrap -- --rows 100000 --json`.
 *
 * Starts the emulated Dataverse (just its router, temp SQLite file, in a process of its own:
 * benchDataverseProcess.ts) with the documented defaults (50 ms round trip, 10 ms per operation, per
 * user: 6,000 requests / 1,200 s execution / 52 concurrent per 300 s), runs (a) a naive sequential
 * one-PATCH-per-row baseline on a sample and (b) our bootstrap over every row, and prints one JSON
 * line.
 *
 * Time: everything is multiplied by --time-scale; all rates are reported in unscaled ("real
 * service") terms, i.e. measured time divided by the time scale. The default is 1, the modelled
 * durations themselves: below it our processes' CPU time, which no scale shrinks, counts 1/scale
 * times over in those terms (docs/benchmarks.md, "Bootstrap"); 0.2 runs in a fifth of the time
 * for a quick look, about a hundredth lower. The window is shortened (default
 * 10 s instead of 300 s) with its limits shortened in proportion (same 20 req/s, 4 s of execution
 * per second), so the run spans many windows and the sustained limits, not the first window's burst,
 * decide the rate.
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import axios from 'axios';
import {
  createDataverseSettings,
  DEFAULT_DATAVERSE_SETTINGS,
} from '../src/emulator/dataverse/dataverseSettings';
import type { createDataverseStats } from '../src/emulator/dataverse/dataverseRouter';
import { createDataverseClient } from '../src/platform/dataverse/dataverseClient';
import { DEFAULT_BOOTSTRAP_TUNING } from '../src/platform/dataverse/bootstrapCompanyData';
import { MAX_PAGE_SIZE } from '../src/platform/dataverse/odataQuery';
import { EmulatorCredential } from '../src/platform/http/credentials';

function arg(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(process.argv[index + 1]);
}

const rows = arg('rows', 100_000);
const naiveRows = arg('naive-rows', 300);
const timeScale = arg('time-scale', 1);
const windowSeconds = arg('window-seconds', 10);
const batchSize = arg('batch-size', DEFAULT_BOOTSTRAP_TUNING.batchSize);
const concurrency = arg('concurrency', DEFAULT_BOOTSTRAP_TUNING.concurrency);
const json = process.argv.includes('--json');
const windowKnown = !process.argv.includes('--window-unknown');

async function main(): Promise<void> {
  const d = DEFAULT_DATAVERSE_SETTINGS;
  const shrink = (windowSeconds * 1000) / d.windowMs;
  const overrides = {
    timeScale,
    windowMs: windowSeconds * 1000,
    maxRequestsPerWindow: Math.round(d.maxRequestsPerWindow * shrink),
    maxExecutionMsPerWindow: Math.round(d.maxExecutionMsPerWindow * shrink),
  };
  const settings = createDataverseSettings(overrides);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-bootstrap-'));
  const service = await startService(overrides, path.join(dir, 'emulator.sqlite'));
  const { call } = service;
  const base = `http://127.0.0.1:${service.port}/orgs`;

  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  const credential = new EmulatorCredential();
  const token = (await credential.getToken(`${base}/.default`)).token;
  const log = (message: string) => !json && console.log(message);

  // (a) naive: one PATCH per row, one at a time.
  await call('seedExisting', 'naive', { accounts: naiveRows, contacts: 0 });
  const naiveCompany = String(
    (await call<Record<string, unknown>>('insert', 'naive', 'cdm_companies', { cdm_companycode: 'USMF' }))
      .cdm_companyid,
  );
  const naiveIds = await call<string[]>('keys', 'naive', 'accounts', 'accountid');
  const naiveApi = `${base}/naive/api/data/v9.2/`;
  let failedRequests = 0;
  let started = performance.now();
  for (const id of naiveIds) {
    try {
      await axios.patch(
        `${naiveApi}accounts(${id})`,
        { 'msdyn_company@odata.bind': `/cdm_companies(${naiveCompany})` },
        { headers: { Authorization: `Bearer ${token}`, 'If-Match': '*', 'OData-Version': '4.0' } },
      );
    } catch {
      failedRequests++;
    }
  }
  const naiveSeconds = (performance.now() - started) / 1000 / timeScale;
  const naiveRate = naiveRows / naiveSeconds;
  log(`naive: ${naiveRows} rows in ${naiveSeconds.toFixed(1)} s (unscaled) = ${naiveRate.toFixed(1)} rows/s`);

  // (b) our bootstrap over every row, on fresh limits.
  await call('resetLimits');
  const before = await call<Stats>('stats');
  await call('seedExisting', 'bench', { accounts: rows, contacts: 0 });
  const companyId = String(
    (await call<Record<string, unknown>>('insert', 'bench', 'cdm_companies', { cdm_companycode: 'USMF' }))
      .cdm_companyid,
  );
  const client = createDataverseClient(`${base}/bench`, {
    credential,
    // The client knows the window as Dataverse documents it (5 minutes); here it is the bench's own.
    bootstrap: {
      batchSize,
      concurrency,
      limitWindowMs: windowKnown ? settings.windowMs * timeScale : undefined,
    },
  });
  let lastLog = 0;
  started = performance.now();
  const result = await client.stampRowsWithCompany('accounts', companyId, {
    onProgress: ({ done, total }) => {
      const now = performance.now();
      if (now - lastLog > 5000) {
        lastLog = now;
        log(`  ${done}/${total} after ${((now - started) / 1000 / timeScale).toFixed(0)} s (unscaled)`);
      }
    },
  });
  const seconds = (performance.now() - started) / 1000 / timeScale;
  clearInterval(sampler);

  const rate = rows / seconds;
  // The most any client could reach: execution time binds (requests only bind below 20 operations
  // a batch, concurrency x latency far above); over R rows a client also gets one window's worth up
  // front, so R rows need at least W * (R / L - 1) seconds, L = operations per window.
  const opsPerWindow = settings.maxExecutionMsPerWindow / settings.executionMsPerOperation;
  const sustained = Math.min(
    opsPerWindow / windowSeconds,
    (settings.maxRequestsPerWindow / windowSeconds) * 1000,
    (settings.maxConcurrentRequests * 1000) /
      ((settings.roundTripMs + 1000 * settings.executionMsPerOperation) / 1000),
  );
  const ceiling = rows > opsPerWindow ? rows / (windowSeconds * (rows / opsPerWindow - 1)) : Infinity;
  // The same bound taken window by window, with the reads no client can skip: a key page per 5,000
  // rows and the closing read that finds none left (an operation each). The last operation can go
  // only once the window before it has slid by: (ceil(operations / L) - 1) windows after the start.
  const leastOperations = rows + Math.ceil(rows / MAX_PAGE_SIZE) + 1;
  const stepwiseCeiling =
    leastOperations > opsPerWindow
      ? rows / (windowSeconds * (Math.ceil(leastOperations / opsPerWindow) - 1))
      : Infinity;
  const stats = await call<Stats>('stats');
  const stamps = await call<{ stampedTwice: number }>('stampCounts', 'bench', 'accounts');
  const present = await call<number>('count', 'bench', 'accounts');
  const stillNull = await call<number>(
    'countWhere',
    'bench',
    'accounts',
    `json_extract(data, '$._msdyn_company_value') IS NULL`,
  );
  const failed = (statuses: Record<number, number>) =>
    Object.entries(statuses).reduce(
      (sum, [status, n]) => sum + (Number(status) >= 400 && Number(status) !== 429 ? n : 0),
      0,
    );
  const throttled =
    Object.values(stats.throttled).reduce((a, b) => a + b, 0) -
    Object.values(before.throttled).reduce((a, b) => a + b, 0);

  const report = {
    rows,
    naive_rows: naiveRows,
    time_scale: timeScale,
    window_s: windowSeconds,
    windows_spanned: Number((seconds / windowSeconds).toFixed(1)),
    batch_size: batchSize,
    concurrency,
    dop_hint: settings.dopHint,
    naive_rows_per_s: Number(naiveRate.toFixed(2)),
    rows_per_s: Number(rate.toFixed(1)),
    ratio: Number((rate / naiveRate).toFixed(1)),
    // What a naive client would get with zero client/emulator overhead: one round trip + one operation.
    naive_model_rows_per_s: Number(
      (1000 / (settings.roundTripMs + settings.executionMsPerOperation)).toFixed(2),
    ),
    ratio_vs_naive_model: Number(
      (rate / (1000 / (settings.roundTripMs + settings.executionMsPerOperation))).toFixed(1),
    ),
    sustained_ceiling_rows_per_s: Number(sustained.toFixed(1)),
    ceiling_rows_per_s: Number(ceiling.toFixed(1)),
    ceiling_fraction: Number((rate / ceiling).toFixed(3)),
    stepwise_ceiling_rows_per_s: Number(stepwiseCeiling.toFixed(1)),
    stepwise_ceiling_fraction: Number((rate / stepwiseCeiling).toFixed(3)),
    stamped: result.stamped,
    lost: rows - present + stillNull,
    stamped_twice: stamps.stampedTwice,
    failed_requests: failedRequests + failed(stats.statuses) - failed(before.statuses),
    throttled_requests: throttled,
    batch_requests: stats.requests - before.requests,
    peak_rss_mb: Math.round(peakRss / 1024 / 1024),
  };
  console.log(JSON.stringify(report));

  await service.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}

type Stats = ReturnType<typeof createDataverseStats>;

/** Forks benchDataverseProcess.ts and waits for its port; `call` runs one of its handlers. */
async function startService(
  settings: Record<string, number>,
  file: string,
): Promise<{
  port: number;
  call: <T>(method: string, ...args: unknown[]) => Promise<T>;
  stop: () => Promise<void>;
}> {
  const child = fork(path.join(__dirname, 'benchDataverseProcess.ts'), [JSON.stringify(settings), file]);
  const pending = new Map<number, (result: unknown) => void>();
  let nextId = 1;
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the emulated Dataverse exited (${code})`)));
    child.on('message', (message: { port?: number; id?: number; result?: unknown }) => {
      if (message.port !== undefined) resolve(message.port);
      else if (message.id !== undefined) pending.get(message.id)?.(message.result);
    });
  });
  return {
    port,
    call: <T>(method: string, ...args: unknown[]) =>
      new Promise<T>((resolve) => {
        const id = nextId++;
        pending.set(id, (result) => {
          pending.delete(id);
          resolve(result as T);
        });
        child.send({ id, method, args });
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        child.removeAllListeners('exit');
        child.once('exit', () => resolve());
        child.disconnect();
      }),
  };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
