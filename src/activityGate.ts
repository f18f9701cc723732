import type { Request, Response } from 'express';
import { z } from 'zod';

// What stands between the open internet and the Bot Framework adapter on `POST /api/messages`.
//
// The adapter (botbuilder 4.23) throws outside its own try/catch on a body without a string `type`:
// in an async express 4 route that is an unhandled rejection, and Node 20 exits on those, so one
// unauthenticated request could stop the bot. It also answers errors with their raw message (the
// signing-key URL it failed to reach, for instance) and only rejects an unsigned token after fetching
// the signing keys. The gate checks what can be checked without the network first and answers every
// failure with a short, fixed body.

/** Bot Framework tokens are RS256-signed JWTs (botframework-connector's AllowedSigningAlgorithms). */
const SIGNED_ALGORITHMS = new Set(['RS256', 'RS384', 'RS512']);
const JWT = /^Bearer ([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/;

export type GateRefusal = { status: 400 | 401; error: string } | null;

/**
 * The envelope every channel sends and the handlers rely on (who, where, where to answer); the rest
 * of the activity is the handlers' to validate. Unknown fields pass.
 */
const id = z.string().min(1).max(1024);
const activityEnvelope = z
  .object({
    type: z.string().min(1).max(64),
    channelId: z.string().min(1).max(64),
    serviceUrl: z
      .string()
      .max(2048)
      .url()
      .refine((url) => /^https?:/i.test(url), 'not http(s)'),
    from: z.object({
      id,
      name: z.string().max(1024).optional(),
      aadObjectId: z.string().max(128).optional(),
    }),
    conversation: z.object({ id }).passthrough(),
    recipient: z.object({ id }).passthrough(),
    timestamp: z
      .string()
      .max(64)
      .refine((value) => !Number.isNaN(Date.parse(value)), 'not a time')
      .optional(),
    text: z.string().max(28_000).optional(),
  })
  .passthrough();

/** A body the adapter and the handlers can work with; anything else is a 400 that reaches no handler. */
export function checkActivityShape(body: unknown): GateRefusal {
  return activityEnvelope.safeParse(body).success ? null : { status: 400, error: 'bad request' };
}

/**
 * With authentication on: an `Authorization: Bearer <header.payload.signature>` whose header names an
 * RS algorithm. Anything else (no header, another scheme, `alg: none`, an empty signature) is refused
 * here, before the adapter fetches signing keys. The adapter still verifies signature, issuer,
 * audience and expiry of what passes.
 */
export function checkBearerShape(header: string | undefined): GateRefusal {
  const match = JWT.exec(header ?? '');
  if (!match) return { status: 401, error: 'unauthorized' };
  try {
    const jose = JSON.parse(Buffer.from(match[1], 'base64url').toString('utf8')) as { alg?: unknown };
    if (typeof jose.alg !== 'string' || !SIGNED_ALGORITHMS.has(jose.alg)) {
      return { status: 401, error: 'unauthorized' };
    }
  } catch {
    return { status: 401, error: 'unauthorized' };
  }
  return null;
}

/**
 * A stand-in for the express response that the adapter writes to, so the gate decides what leaves:
 * invoke responses pass as they are; 401 and 5xx get fixed bodies.
 */
export class CapturedResponse {
  statusCode = 200;
  body: unknown;
  readonly headers: Record<string, string> = {};

  status(code: number): this {
    this.statusCode = code;
    return this;
  }

  header(name: string, value: string): this {
    this.headers[name] = value;
    return this;
  }

  send(body: unknown): this {
    this.body = body;
    return this;
  }

  end(): this {
    return this;
  }
}

/**
 * Writes what the adapter answered. `turnStarted` says whether the request got past authentication:
 * a 5xx before that means the token could not be verified (e.g. the signing keys were unreachable),
 * and an unverified request is an unauthenticated one.
 */
export function sendCaptured(res: Response, captured: CapturedResponse, turnStarted: boolean): void {
  for (const [name, value] of Object.entries(captured.headers)) res.setHeader(name, value);
  const status = captured.statusCode;
  if (status === 401 || status === 403 || (status >= 500 && !turnStarted)) {
    res.status(401).json({ error: 'unauthorized' });
    return;
  }
  if (status >= 500) {
    res.status(500).json({ error: 'internal error' });
    return;
  }
  res.status(status);
  if (captured.body === undefined) res.end();
  else res.send(captured.body);
}

export function refuse(res: Response, refusal: NonNullable<GateRefusal>): void {
  res.status(refusal.status).json({ error: refusal.error });
}

/** The raw Authorization header of a request (never logged). */
export function authorizationOf(req: Request): string | undefined {
  const value = req.headers.authorization;
  return typeof value === 'string' ? value : undefined;
}
