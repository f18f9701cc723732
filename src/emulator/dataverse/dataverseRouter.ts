import express, { type Request, type Response, type Router } from 'express';
import { EMULATOR_TOKEN_PREFIX } from '../shell/acceptedTokens';
import { executeBatch } from './batchExecutor';
import { operationCount, parseBatchRequest, type BatchPart } from './batchRequest';
import type { DataverseSettings } from './dataverseSettings';
import type { DataverseStore } from './dataverseStore';
import { entityDefinitions, manyToOneRelationships } from './entityMetadata';
import { errors, ODataError } from './odataErrors';
import { formatSeconds, ServiceProtection, THROTTLE_CODES } from './serviceProtection';
import { WebApi, type WebApiResponse } from './webApi';
import { timerDelay } from '../../timerDelay';

/**
 * The emulated Dataverse Web API of every org, mounted by the emulator shell at `/orgs/:org`, so an
 * org's URL is `http://127.0.0.1:<port>/orgs/<org>` and its Web API `.../api/data/v9.2/`. Around each
 * request it plays the service: bearer check (401 with the real WWW-Authenticate), injected faults,
 * the three service-protection limits per user (429 + Retry-After), round-trip latency and
 * execution time per operation, all scaled by `settings.timeScale` and read at every request.
 */
export interface DataverseStats {
  requests: number;
  operations: number;
  /** Responses by HTTP status (a `$batch` counts once, by its top-level status). */
  statuses: Record<number, number>;
  throttled: Record<string, number>;
  injectedErrors: number;
  hangs: number;
  /** Most requests admitted and not yet answered at once, any user (bootstrap pacing tests). */
  peakConcurrent: number;
}

export interface DataverseRouterOptions {
  /** Counters, for benchmarks and the control API. */
  stats?: DataverseStats;
  /** Share or inspect the limiter (e.g. reset it between tests). */
  protection?: ServiceProtection;
  /**
   * Unbound functions answered from outside the org's tables (GET `<name>`): the body; a refusal is
   * thrown as an ODataError, as the Web API's own answers are.
   */
  functions?: Record<string, (org: string) => object>;
  /**
   * A failure of the dual-write plug-in on a create or update of a row of this entity set: the
   * plug-in runs inside the Dataverse transaction, so the write fails with it (live sync).
   */
  liveWriteRefusal?: (org: string, entitySet: string) => ODataError | undefined;
}

export function createDataverseStats(): DataverseStats {
  return {
    requests: 0,
    operations: 0,
    statuses: {},
    throttled: {},
    injectedErrors: 0,
    hangs: 0,
    peakConcurrent: 0,
  };
}

const SERVICE_PATH = '/api/data/v9.2';

export function dataverseRouter(
  store: DataverseStore,
  settings: DataverseSettings,
  options: DataverseRouterOptions = {},
): Router {
  const stats = options.stats ?? createDataverseStats();
  const protection = options.protection ?? new ServiceProtection(settings);
  const router = express.Router({ mergeParams: true });
  let concurrent = 0;
  router.use(SERVICE_PATH, express.text({ type: () => true, limit: '64mb' }));
  router.use(SERVICE_PATH, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      const failure = error instanceof ODataError ? error : new ODataError(500, '0x80040216', String(error));
      if (!res.headersSent) sendError(res, failure);
    });
  });

  async function handle(req: Request, res: Response): Promise<void> {
    res.setHeader('OData-Version', '4.0');
    stats.requests++;
    res.on('finish', () => (stats.statuses[res.statusCode] = (stats.statuses[res.statusCode] ?? 0) + 1));
    const org = String(req.params.org ?? '');
    const orgUrl = `${req.protocol}://${req.get('host')}${req.baseUrl.slice(0, -SERVICE_PATH.length)}`;
    const serviceRoot = `${orgUrl}${SERVICE_PATH}/`;
    // One timer per request (round trip + execution) keeps the emulator's own overhead small at
    // small time scales; the effect on the client is the same as latency on both legs.
    const roundTrip = (settings.roundTripMs + settings.addedLatencyMs) * settings.timeScale;

    const user = bearerToken(req);
    if (!user) {
      await sleep(roundTrip);
      res
        .status(401)
        .setHeader(
          'WWW-Authenticate',
          `Bearer authorization_uri=https://login.microsoftonline.com/${settings.tenantId}/oauth2/authorize, resource_id=${orgUrl}/`,
        )
        .end();
      return;
    }

    let response: Promise<Answer>;
    try {
      if (!store.hasOrg(org))
        throw new ODataError(404, '0x80040217', `Organization '${org}' does not exist.`);
      response = run(req, org, serviceRoot, user, roundTrip);
    } catch (error) {
      response = Promise.reject(error);
    }
    const answer: Answer = await response.catch((error: unknown): Answer => {
      if (error instanceof ODataError) return { error };
      throw error;
    });
    // Admitted or refused, the answer tells what is left as it leaves.
    setBudgetHeaders(res, protection.remaining(user), settings.dopHint);
    if (answer.error) {
      if (!answer.executed) await sleep(roundTrip);
      if (answer.error.status === 429)
        stats.throttled[answer.error.code] = (stats.throttled[answer.error.code] ?? 0) + 1;
      sendError(res, answer.error);
      return;
    }
    if (answer.batch) {
      res.status(answer.batch.status).setHeader('Content-Type', answer.batch.contentType);
      if (answer.batch.preferenceApplied) res.setHeader('Preference-Applied', answer.batch.preferenceApplied);
      res.end(answer.batch.body);
      return;
    }
    const single = answer.single!;
    for (const [name, value] of Object.entries(single.headers)) res.setHeader(name, value);
    res.status(single.status);
    if (single.body === undefined) res.end();
    else sendJson(res, single.body);
  }

  /** Faults, limits, execution: everything between the two halves of the round trip. */
  async function run(
    req: Request,
    org: string,
    serviceRoot: string,
    user: string,
    roundTrip: number,
  ): Promise<Answer> {
    const resource = decodeURIComponent(req.path.replace(/^\//, ''));
    const isBatch = resource === '$batch';
    if (isBatch && req.method !== 'POST') throw errors.methodNotAllowed(req.method);
    const parts: BatchPart[] | undefined = isBatch
      ? parseBatchRequest(req.get('content-type'), typeof req.body === 'string' ? req.body : '')
      : undefined;
    const operations = parts ? operationCount(parts) : 1;

    if (settings.throttleBurst > 0) {
      settings.throttleBurst--;
      throw new ODataError(
        429,
        THROTTLE_CODES.requests,
        'Number of requests exceeded the limit of 6000 over time window of 300 seconds.',
        { 'Retry-After': formatSeconds(settings.throttleRetryAfterSeconds * settings.timeScale) },
      );
    }
    if (settings.errorRate > 0 && settings.random() < settings.errorRate) {
      stats.injectedErrors++;
      throw errors.unavailable();
    }

    const release = protection.admit(user, operations);
    const admittedAt = performance.now();
    stats.peakConcurrent = Math.max(stats.peakConcurrent, ++concurrent);
    try {
      // The real service runs requests side by side: requests that arrived meanwhile are admitted
      // before this one's execution holds the emulator's only thread.
      await new Promise((resolve) => setImmediate(resolve));
      const refusal = options.liveWriteRefusal;
      const api = new WebApi(store, org, serviceRoot, refusal && ((entitySet) => refusal(org, entitySet)));
      let answer: Answer;
      try {
        // One SQLite commit per request instead of one per statement (a stamp is three; a $batch of
        // 50 stamps, 150): the emulator's own disk work must not hold up the next request's
        // admission, which the real service does on other machines. Nothing a client sees changes:
        // a batch operation's error is its response, not a throw, so the others stand; a change set
        // still rolls back alone (better-sqlite3 nests it as a savepoint).
        answer = store.transaction((): Answer =>
          parts
            ? { batch: executeBatch(api, store, parts, req.get('prefer')) }
            : { single: runFunction(org, req, resource) ?? runSingle(api, req, resource) },
        );
      } catch (error) {
        if (!(error instanceof ODataError)) throw error;
        answer = { error };
      }
      stats.operations += operations;
      answer.executed = true;
      // The modelled duration from admission on includes the emulator's own work (its SQLite, its
      // waits for the thread): that work is not part of what it models, so it is not added to it.
      const modelled = roundTrip + operations * settings.executionMsPerOperation * settings.timeScale;
      await sleep(Math.max(0, modelled - (performance.now() - admittedAt)));
      if (settings.hangRate > 0 && settings.random() < settings.hangRate) {
        // Committed, but the answer comes too late: the client sees a timeout.
        stats.hangs++;
        await sleep(settings.hangMs * settings.timeScale);
      }
      return answer;
    } finally {
      concurrent--;
      release();
    }
  }

  function runFunction(org: string, req: Request, resource: string): WebApiResponse | undefined {
    const fn = req.method === 'GET' ? options.functions?.[resource.replace(/\(\)$/, '')] : undefined;
    if (!fn) return undefined;
    return { status: 200, headers: {}, body: fn(org) };
  }

  return router;
}

interface Answer {
  single?: WebApiResponse;
  batch?: ReturnType<typeof executeBatch>;
  error?: ODataError;
  /** The latency was already spent inside `run`. */
  executed?: boolean;
}

/**
 * The service-protection hints Dataverse puts on its responses ("Service protection API limits",
 * "Send parallel requests"): requests left, execution time left in seconds written as the service
 * writes it (`1,199.46`), and the recommended degree of parallelism. Taken as the answer leaves
 * [inferred: the record does not say when in a request the service reads them].
 */
function setBudgetHeaders(
  res: Response,
  remaining: { requests: number; executionMs: number },
  dopHint: number,
): void {
  res.setHeader('x-ms-ratelimit-burst-remaining-xrm-requests', String(remaining.requests));
  res.setHeader(
    'x-ms-ratelimit-time-remaining-xrm-requests',
    (remaining.executionMs / 1000).toLocaleString('en-US', {
      minimumFractionDigits: 2,
      maximumFractionDigits: 2,
    }),
  );
  res.setHeader('x-ms-dop-hint', String(dopHint));
}

function runSingle(api: WebApi, req: Request, resource: string): WebApiResponse {
  if (resource === 'WhoAmI' && req.method === 'GET') {
    return {
      status: 200,
      headers: {},
      body: {
        '@odata.context': `${api.serviceRoot}$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse`,
        BusinessUnitId: '00000000-0000-0000-0000-000000000001',
        UserId: '00000000-0000-0000-0000-000000000002',
        OrganizationId: '00000000-0000-0000-0000-000000000003',
      },
    };
  }
  const queryStart = req.originalUrl.indexOf('?');
  const query = new URLSearchParams(queryStart === -1 ? '' : req.originalUrl.slice(queryStart + 1));
  if (resource === 'EntityDefinitions' && req.method === 'GET')
    return entityDefinitions(api.serviceRoot, query);
  const relationships = /^EntityDefinitions\(LogicalName='([a-z0-9_]+)'\)\/ManyToOneRelationships$/.exec(
    resource,
  );
  if (relationships && req.method === 'GET')
    return manyToOneRelationships(api.serviceRoot, relationships[1], query);
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return api.execute({
    method: req.method,
    resource,
    query,
    headers,
    body: typeof req.body === 'string' ? req.body : undefined,
  });
}

/** The caller (per-user limits key on it), or undefined when the bearer is missing or not ours. */
function bearerToken(req: Request): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
  return match && match[1].startsWith(EMULATOR_TOKEN_PREFIX) ? match[1] : undefined;
}

function sendError(res: Response, error: ODataError): void {
  for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  res.status(error.status);
  sendJson(res, error.toBody());
}

/** `res.end`, not `res.send`: Express would add a charset and a body ETag the service doesn't send. */
function sendJson(res: Response, body: unknown): void {
  res.setHeader('Content-Type', 'application/json; odata.metadata=minimal');
  res.end(JSON.stringify(body));
}

/** Unref'd: a request hanging in the emulator must not keep a closing process alive. */
function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, timerDelay(ms)).unref()) : Promise.resolve();
}

export type { DataverseSettings } from './dataverseSettings';
