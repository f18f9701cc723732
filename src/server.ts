import express, { type NextFunction, type Request, type Response } from 'express';
import type { CloudAdapter, TurnContext } from 'botbuilder';
import type { Logger } from './log';
import { isLoopbackUrl, loopbackHostsOnly } from './loopbackHost';
import { asForeground } from './foreground';
import {
  CapturedResponse,
  type GateRefusal,
  authorizationOf,
  checkActivityShape,
  checkBearerShape,
  refuse,
  refuseUnlessAllowedTeamsUser,
  sendCaptured,
} from './activityGate';

/**
 * The HTTP surface: `POST /api/messages` for Bot Framework activities, `GET /healthz` (liveness) and
 * `GET /readyz` (readiness, for the load balancer: docs/operations.md).
 */
/** Liveness: the process serves HTTP (it checks nothing else: that is readiness). */
export interface HealthReport {
  status: 'ok';
  version: string;
  replica: string;
  mode: string;
}

/** Whether this replica can serve: its store answers and the Dynamics 365 endpoints resolve. */
export interface ReadinessReport {
  status: 'ready' | 'not_ready';
  store: { ok: boolean };
  dynamics: { endpoints: Array<{ host: string; ok: boolean }> };
}

export interface ServerOptions {
  adapter: CloudAdapter;
  onTurn: (context: TurnContext) => Promise<void>;
  health: () => HealthReport;
  ready: () => Promise<ReadinessReport>;
  logger: Logger;
  /** BOT_ID is set: every activity must carry a Bot Framework token (see activityGate.ts). */
  authRequired?: boolean;
  /** With authRequired: the tenants whose Teams users are served (activityGate.ts). */
  allowedTenants?: string[];
}

export function createServer(options: ServerOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  // Local mode trusts whoever reaches it, so only this machine's own names (src/loopbackHost.ts).
  if (!options.authRequired) app.use(loopbackHostsOnly());
  app.use(express.json({ limit: '256kb' }));

  app.post('/api/messages', async (req: Request, res: Response) => {
    const started = process.hrtime.bigint();
    const refusal =
      (options.authRequired ? checkBearerShape(authorizationOf(req)) : null) ??
      checkActivityShape(req.body) ??
      (options.authRequired ? null : checkLocalServiceUrl(req.body));
    if (refusal) return refuse(res, refusal);
    const captured = new CapturedResponse();
    let turnStarted = false;
    let forbidden = false;
    try {
      await options.adapter.process(req, captured as unknown as Response, (context) => {
        turnStarted = true;
        // The token is verified by now; who sent the activity, from where, is checked next.
        if (options.authRequired) {
          const reason = refuseUnlessAllowedTeamsUser(context.activity, options.allowedTenants ?? []);
          if (reason) {
            forbidden = true;
            options.logger.warn(
              {
                event: 'access.refused',
                action: 'activity',
                reason,
                channelId: context.activity.channelId,
                conversationId: context.activity.conversation?.id,
              },
              'activity refused',
            );
            return Promise.resolve();
          }
        }
        // A card action (an invoke: Teams waits for its answer) is foreground work: the engine's
        // work waits at its seams while one is in flight (src/foreground.ts). Only once the token
        // and the user are checked, so strangers' requests never slow the runs; and not a message
        // turn, which posts its replies through the Bot Connector: a slow connector would hold the
        // runs back for as long.
        return context.activity.type === 'invoke'
          ? asForeground(() => options.onTurn(context))
          : options.onTurn(context);
      });
    } catch (error) {
      // The adapter rejected the request outside its own error handling: never an unhandled rejection.
      options.logger.warn({ err: (error as Error).message }, 'activity refused by the adapter');
      captured.status(turnStarted ? 500 : 400);
    }
    if (forbidden) return refuse(res, { status: 403, error: 'forbidden' });
    if (captured.statusCode >= 400) {
      options.logger.info({ status: captured.statusCode, turnStarted }, 'activity not processed');
    }
    // How long the turn took inside the bot (invokes answer in milliseconds; see docs/benchmarks.md).
    // Local mode only: a production answer tells a stranger nothing about the bot's load.
    if (!options.authRequired)
      res.setHeader(
        'Server-Timing',
        `turn;dur=${(Number(process.hrtime.bigint() - started) / 1e6).toFixed(1)}`,
      );
    sendCaptured(res, captured, turnStarted);
  });

  // Strangers learn only the status: version, replica, mode and URLs are for the local operator (no BOT_ID,
  // asked from loopback), not for whoever can reach a production endpoint.
  app.get('/healthz', (req: Request, res: Response) => {
    const report = options.health();
    const detailed = !options.authRequired && isLoopback(req.socket.remoteAddress);
    res.status(200).json(detailed ? report : { status: report.status });
  });

  app.get('/readyz', async (req: Request, res: Response) => {
    const report = await options.ready();
    const detailed = !options.authRequired && isLoopback(req.socket.remoteAddress);
    res.status(report.status === 'ready' ? 200 : 503).json(detailed ? report : { status: report.status });
  });

  // Malformed or oversized bodies: a short JSON error, never a stack.
  app.use(
    (error: Error & { status?: number; type?: string }, _req: Request, res: Response, next: NextFunction) => {
      if (res.headersSent) return next(error);
      const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 500;
      if (status === 500) options.logger.error({ err: error.message }, 'request failed');
      res.status(status).json({ error: status === 500 ? 'internal error' : (error.type ?? 'bad request') });
    },
  );
  return app;
}

/**
 * Local mode: the bot posts its replies to the activity's `serviceUrl` without a token check, so only
 * to this machine (the Agents Playground, a test connector).
 */
function checkLocalServiceUrl(body: { serviceUrl: string }): GateRefusal {
  return isLoopbackUrl(body.serviceUrl) ? null : { status: 400, error: 'bad request' };
}

function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}
