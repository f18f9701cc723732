import axios, { type AxiosInstance } from 'axios';
import type { BootstrapProgress } from '../../engine/ports';
import type { Logger } from '../../log';
import {
  buildBatchRequest,
  multipartBoundary,
  parseBatchResponse,
  type BatchOperationResult,
} from './batchCodec';
import type { CompanyLookup } from './companyLookup';
import { DataverseError, toDataverseError } from './dataverseError';
import { MAX_PAGE_SIZE, queryPages } from './odataQuery';
import { ChunkQueue } from './chunkQueue';
import type { ServiceHints } from './serviceHints';
import { StampPacer } from './stampPacer';
import { timerDelay } from '../../timerDelay';

/**
 * Bootstrap: stamps every company-less row of a table with the company.
 *
 * Each pass pages through the keys of the rows still without a company, chunks them into `$batch`
 * requests of `PATCH <set>(<id>)` with `If-Match: *` (a row deleted meanwhile is not re-created),
 * and sends them with bounded concurrency. No change sets: every stamp stands alone, so one deleted
 * or failing row must not roll back the others, and `Prefer: odata.continue-on-error` keeps the
 * service going past it.
 *
 * Never stamps a row twice: a 429 means the service ran nothing, so the same batch is sent again
 * after Retry-After; a 5xx, a timeout or a dropped connection may have run some of it, so that batch
 * is NOT re-sent: the next pass re-reads which rows are still company-less and sends only those.
 * The same re-read makes it resumable after a crash.
 *
 * How many batches go at once, and when, is the service's call (stampPacer.ts): its `x-ms-dop-hint`
 * bounds the batches in flight, and its remaining execution time paces them up to the edge of the
 * limit instead of into 429s.
 */
export interface BootstrapTuning {
  /** Operations per `$batch`. */
  batchSize: number;
  /** `$batch` requests in flight at most; the service's `x-ms-dop-hint` may lower it. */
  concurrency: number;
  /** Passes (query still-null rows, stamp them) before giving up on rows that keep failing. */
  maxPasses: number;
  /**
   * The window the service-protection limits slide over (ms): Dataverse documents 5 minutes. The
   * pacer expects a batch's execution time back this long after it sent it; unset, it waits for
   * the service's answers to show the refill.
   */
  limitWindowMs?: number;
}

/**
 * Tuned for the documented limits (docs/dynamics-apis.md): execution time (1,200 s per 300 s = 400 ops/s at
 * ~10 ms an op) binds before the request limit (6,000 per 300 s = 20 req/s) as soon as a batch holds
 * more than 20 operations; 16 batches of 50 in flight (fewer when the dop hint says so) keep far more
 * demand than the ceiling over a 50 ms round trip, below the 52-concurrent limit; the pacer holds
 * them back to what the budget allows.
 */
export const DEFAULT_BOOTSTRAP_TUNING: BootstrapTuning = {
  batchSize: 50,
  concurrency: 16,
  maxPasses: 6,
  limitWindowMs: 300_000,
};

export interface BootstrapContext {
  http: AxiosInstance;
  /** Absolute service root ending in `/api/data/v9.2/`. */
  serviceRoot: string;
  primaryKey(entitySet: string): Promise<string>;
  /** The table's lookup to cdm_company, read from its metadata (companyLookup.ts). */
  companyLookup(entitySet: string): Promise<CompanyLookup>;
  /** What the service said on its answers so far (dop hint, budget left, Retry-After). */
  hints: ServiceHints;
  logger?: Logger;
  tuning: BootstrapTuning;
}

interface PassOutcome {
  stamped: number;
  gone: number;
  lastError?: DataverseError;
}

export async function stampRowsWithCompany(
  context: BootstrapContext,
  entitySet: string,
  companyId: string,
  options: { signal?: AbortSignal; onProgress?: (progress: BootstrapProgress) => void },
): Promise<{ stamped: number }> {
  const { http, tuning, logger } = context;
  const { signal } = options;
  // Two metadata reads at once (the first key page, and so the first stamps, wait for them); not
  // three: before an answer carries the dop hint, two is the most the service may want in flight.
  const [key, lookup] = await Promise.all([context.primaryKey(entitySet), context.companyLookup(entitySet)]);
  await assertCompanyExists(http, companyId);

  const bind = { [`${lookup.navigation}@odata.bind`]: `/cdm_companies(${companyId})` };
  const pacer = new StampPacer({
    hints: context.hints,
    concurrency: tuning.concurrency,
    // The cheapest read there is: its answer carries the budget left.
    probe: () => http.get('WhoAmI'),
    windowMs: context.tuning.limitWindowMs,
    signal,
  });
  try {
    return await stampPasses(context, entitySet, key, lookup.attribute, bind, pacer, options);
  } finally {
    pacer.close();
    logger?.info(
      {
        entitySet,
        peakInFlight: pacer.peakInFlight,
        probes: pacer.probes,
        throttled: context.hints.throttled,
      },
      'bootstrap pacing',
    );
  }
}

async function stampPasses(
  context: BootstrapContext,
  entitySet: string,
  key: string,
  attribute: string,
  bind: Record<string, string>,
  pacer: StampPacer,
  options: { signal?: AbortSignal; onProgress?: (progress: BootstrapProgress) => void },
): Promise<{ stamped: number }> {
  const { http, serviceRoot, tuning, logger } = context;
  const { signal, onProgress } = options;
  let done = 0;
  let total = 0;
  for (let pass = 1; ; pass++) {
    throwIfAborted(signal);
    const outcome: PassOutcome = { stamped: 0, gone: 0 };
    // About a page of chunks queued ahead: the next page is read while the last one is stamped.
    const queue = new ChunkQueue(Math.ceil(MAX_PAGE_SIZE / tuning.batchSize));
    let seen = 0;
    // Pages are read while earlier chunks are being stamped, a page ahead: paging 100,000 keys takes
    // 20 requests that would otherwise leave the limits idle, and reading them all at the start
    // would take the first window's time from the stamps. Key-ordered paging cookies are stable
    // while rows drop out of the filter, and a row missed here is caught by the next pass's re-read.
    const producer = (async () => {
      try {
        for await (const ids of companylessIdPages(http, entitySet, key, attribute, signal)) {
          seen += ids.length;
          total = Math.max(total, done + seen - outcome.stamped - outcome.gone);
          if (pass > 1 || ids.length > 0) onProgress?.({ done, total });
          for (let i = 0; i < ids.length; i += tuning.batchSize)
            await queue.push(ids.slice(i, i + tuning.batchSize));
        }
      } finally {
        queue.close();
      }
    })();
    if (pass > tuning.maxPasses) {
      await producer;
      if (seen === 0) return { stamped: done };
      throw new DataverseError(
        `${seen} ${entitySet} rows still have no company after ${tuning.maxPasses} passes`,
        'bootstrap_incomplete',
      );
    }
    const worker = async () => {
      const take = () => queue.take(tuning.concurrency);
      for (let chunk = await take(); chunk && !signal?.aborted; chunk = await take()) {
        // A batch may be cut to the budget left (at least half a chunk): the rest goes back first
        // in line, so the budget's last operations in a window are spent, not left over.
        const grant = await pacer.acquire(chunk.length, Math.ceil(chunk.length / 2));
        if (grant === undefined) break;
        const ticket = grant.id;
        if (grant.operations < chunk.length) {
          queue.putBack(chunk.slice(grant.operations));
          chunk = chunk.slice(0, grant.operations);
        }
        let results: Awaited<ReturnType<typeof sendStampBatch>>;
        try {
          results = await sendStampBatch(http, serviceRoot, entitySet, chunk, bind, signal, (at) =>
            pacer.sent(ticket, at),
          );
        } finally {
          pacer.release(ticket);
        }
        if (results instanceof DataverseError) {
          outcome.lastError = results;
          logger?.warn(
            { entitySet, code: results.code, rows: chunk.length },
            'bootstrap batch outcome unknown',
          );
          continue;
        }
        for (const result of results) {
          if (result.status < 300) outcome.stamped++;
          else if (result.status === 404)
            outcome.gone++; // deleted meanwhile: If-Match * kept it deleted
          else
            outcome.lastError = new DataverseError(
              result.error?.message ?? '',
              result.error?.code ?? '',
              result.status,
            );
        }
        done += results.filter((r) => r.status < 300).length;
        onProgress?.({ done, total });
      }
    };
    const workers = Array.from({ length: tuning.concurrency }, worker);
    await Promise.all([producer, ...workers]);
    throwIfAborted(signal);
    logger?.info({ entitySet, pass, rows: seen, stamped: outcome.stamped }, 'bootstrap pass');
    if (seen === 0) {
      onProgress?.({ done, total });
      return { stamped: done };
    }
    if (outcome.stamped === 0 && outcome.gone === 0) {
      throw (
        outcome.lastError ?? new DataverseError(`No ${entitySet} row could be stamped`, 'bootstrap_stalled')
      );
    }
  }
}

/** The keys of the rows that still have no company, page by page. */
async function* companylessIdPages(
  http: AxiosInstance,
  entitySet: string,
  key: string,
  attribute: string,
  signal?: AbortSignal,
): AsyncGenerator<string[]> {
  const path = `${entitySet}?$select=${key}&$filter=_${attribute}_value eq null`;
  for await (const page of queryPages(http, path, { signal })) {
    yield page.map((record) => record[key]).filter((id): id is string => typeof id === 'string');
  }
}

/**
 * One `$batch` of stamps. Returns the per-operation results, or the error when the outcome is
 * unknown (5xx, timeout): those rows are left for the next pass's re-read, never re-sent blindly.
 */
async function sendStampBatch(
  http: AxiosInstance,
  serviceRoot: string,
  entitySet: string,
  ids: string[],
  bind: Record<string, string>,
  signal?: AbortSignal,
  onSend?: (sentAt: number) => void,
): Promise<BatchOperationResult[] | DataverseError> {
  const request = buildBatchRequest(
    ids.map((id) => ({
      method: 'PATCH' as const,
      url: `${serviceRoot}${entitySet}(${id})`,
      headers: { 'If-Match': '*' },
      body: bind,
    })),
  );
  for (;;) {
    try {
      const response = await http.post<string>('$batch', request.body, {
        headers: { 'Content-Type': request.contentType, Prefer: 'odata.continue-on-error' },
        responseType: 'text',
        transformResponse: [(data: unknown) => data],
        idempotent: false,
        onSend,
      });
      return parseBatchResponse(String(response.headers['content-type']), response.data);
    } catch (error) {
      // A service that stopped at a failing part still answers multipart: read what ran.
      if (
        axios.isAxiosError(error) &&
        multipartBoundary(String(error.response?.headers['content-type'] ?? ''))
      ) {
        return parseBatchResponse(
          String(error.response!.headers['content-type']),
          String(error.response!.data),
        );
      }
      const failure = toDataverseError(error, `POST $batch (${entitySet})`);
      if (failure.throttled) {
        // Refused before anything ran: the same batch may go again once the service allows it.
        if (!(await sleep(failure.retryAfterMs ?? 1000, signal))) return [];
        continue;
      }
      if (failure.uncertain) return failure;
      throw failure;
    }
  }
}

async function assertCompanyExists(http: AxiosInstance, companyId: string): Promise<void> {
  try {
    await http.get(`cdm_companies(${companyId})?$select=cdm_companyid`);
  } catch (error) {
    const failure = toDataverseError(error, `GET cdm_companies(${companyId})`);
    if (failure.status === 404) {
      throw new DataverseError(`The company ${companyId} does not exist in Dataverse`, failure.code, 404);
    }
    throw failure;
  }
}

/** Resolves true after `ms`, or false at once when the signal aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, timerDelay(ms));
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) {
    throw signal.reason instanceof Error
      ? signal.reason
      : new DataverseError('Bootstrap was cancelled', 'aborted');
  }
}
