import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { EMULATOR_TOKEN_PREFIX } from './acceptedTokens';
import type { EmulatorSettings, ScriptedFault } from './../settings';
import { timerDelay } from '../../timerDelay';

/**
 * Cross-cutting HTTP behaviour of the emulator: bearer tokens (like the real services, no token means
 * 401) and injected faults (latency, 429 with Retry-After, transient 5xx, hung requests), applied to
 * every path except the control API.
 */
export const CONTROL_PREFIX = '/_emulator';

/** Paths whose router checks tokens and injects faults itself (the Dataverse Web API). */
export const SELF_GUARDED_PREFIXES = ['/orgs/'];

const selfGuarded = (path: string) => SELF_GUARDED_PREFIXES.some((prefix) => path.startsWith(prefix));

/**
 * Paths that take no bearer token: Entra's own endpoints (a client comes to them for a token, or for
 * the keys that check one), the Bot Connector's OpenID metadata and keys, and the Bot Framework token
 * service's exchange (the real one wants the bot's token; the emulator's bot has none without BOT_ID)
 * [inferred].
 */
const OPEN_PATH =
  /^\/(?:[^/]+\/(?:oauth2\/v2\.0\/(?:token|devicecode)$|v2\.0\/\.well-known\/|discovery\/v2\.0\/keys$)|botframework\/)/;

export function requireBearer(): RequestHandler {
  return (req, res, next) => {
    if (req.path.startsWith(CONTROL_PREFIX) || selfGuarded(req.path) || OPEN_PATH.test(req.path))
      return next();
    const header = req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (match && match[1].startsWith(EMULATOR_TOKEN_PREFIX)) return next();
    const resource = `${req.protocol}://${req.get('host') ?? '127.0.0.1'}/`;
    res
      .status(401)
      .set(
        'WWW-Authenticate',
        `Bearer authorization_uri=https://login.microsoftonline.com/common/oauth2/authorize, resource_id=${resource}`,
      )
      .json({
        error: {
          code: match ? 'InvalidAuthenticationToken' : 'MissingAuthenticationToken',
          message: match ? 'The access token is invalid.' : 'The request did not contain a bearer token.',
        },
      });
  };
}

/** Counts of faults injected so far, for the control API. */
export interface FaultCounters {
  throttled: number;
  transient: number;
  hung: number;
}

export function injectFaults(
  settings: EmulatorSettings,
  counters: FaultCounters,
  random: () => number = Math.random,
): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.path.startsWith(CONTROL_PREFIX)) return next();
    const http = settings.http;
    const proceed = () => (http.latencyMs > 0 ? setTimeout(next, timerDelay(http.latencyMs)) : next());
    const scripted = takeScripted(http.scripted, req);
    if (scripted)
      return answerFault(
        res,
        counters,
        scripted.status,
        scripted.retryAfterSeconds ?? http.retryAfterSeconds,
        http.hangMs,
      );
    // Rates apply to our own APIs; the Dataverse Web API has its own fault settings.
    if (selfGuarded(req.path) || (http.pathPrefix && !req.path.startsWith(http.pathPrefix))) return proceed();
    if (http.timeoutRate > 0 && random() < http.timeoutRate)
      return answerFault(res, counters, 'timeout', 0, http.hangMs);
    if (http.throttleRate > 0 && random() < http.throttleRate) {
      return answerFault(res, counters, 429, http.retryAfterSeconds, http.hangMs);
    }
    if (http.errorRate > 0 && random() < http.errorRate) {
      const statuses = [502, 503, 504];
      return answerFault(res, counters, statuses[Math.floor(random() * statuses.length)], 0, http.hangMs);
    }
    proceed();
  };
}

function takeScripted(queue: ScriptedFault[], req: Request): ScriptedFault | undefined {
  const index = queue.findIndex(
    (fault) =>
      (!fault.pathPrefix || req.path.startsWith(fault.pathPrefix)) &&
      (!fault.method || fault.method === req.method),
  );
  if (index < 0) return undefined;
  const fault = queue[index];
  fault.count -= 1;
  if (fault.count <= 0) queue.splice(index, 1);
  return fault;
}

function answerFault(
  res: Response,
  counters: FaultCounters,
  status: number | 'timeout',
  retryAfterSeconds: number,
  hangMs: number,
): void {
  if (status === 'timeout') {
    counters.hung++;
    // Hold the request; answer 504 late so the socket is not left open for ever.
    const timer = setTimeout(() => {
      if (!res.headersSent)
        res.status(504).json({ error: { code: 'GatewayTimeout', message: 'The request timed out.' } });
    }, timerDelay(hangMs));
    res.on('close', () => clearTimeout(timer));
    return;
  }
  if (status === 429) {
    counters.throttled++;
    res
      .status(429)
      .set('Retry-After', String(retryAfterSeconds))
      .json({
        error: {
          code: '0x80072322',
          message: 'Number of requests exceeded the limit of 6000 over time window of 300 seconds.',
        },
      });
    return;
  }
  counters.transient++;
  res
    .status(status)
    .json({ error: { code: String(status), message: 'The service is temporarily unavailable.' } });
}

/** F&O's error body shape (docs/dynamics-apis.md). */
export function sendFinanceOpsError(
  res: Response,
  status: number,
  message: string,
  type = 'Microsoft.Dynamics.Platform.Integration.Services.OData.AxODataException',
): void {
  res.status(status).json({
    error: { code: '', message: 'An error has occurred.', innererror: { message, type, stacktrace: '' } },
  });
}

/** The `{error: {code, message}}` shape of the Power Platform, BAP, LCS-like and gateway APIs. */
export function sendJsonError(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ error: { code, message } });
}
