import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';

/**
 * A local Bot Connector: the `serviceUrl` of the test's activities. It records what the bot sends
 * (new messages, replies and in-place updates) and answers like the real connector (`{id}`), so a
 * test can read the cards the bot posted and the current content of every message.
 */
export interface RecordedActivity {
  id: string;
  conversationId: string;
  /** The latest content (updates replace it). */
  activity: Record<string, unknown>;
  /** Every version: the first send, then each update. */
  versions: Array<Record<string, unknown>>;
  at: number;
}

export interface ConnectorCall {
  method: 'POST' | 'PUT';
  conversationId: string;
  activityId?: string;
  at: number;
}

export class LocalConnector {
  readonly messages = new Map<string, RecordedActivity>();
  private readonly perConversation = new Map<string, RecordedActivity[]>();
  readonly calls: ConnectorCall[] = [];
  url = '';
  /** The members `GET /v3/conversations/{id}/pagedmembers` answers with (every conversation). */
  roster: Array<{ id: string; name: string; aadObjectId: string }> = [];
  rosterCalls = 0;
  /**
   * With BOT_ID: checks the bot's `Authorization` header on every call, as the real connector does
   * (Learn bot-framework-rest-connector-authentication, "Authenticate requests from your bot to the Bot
   * Connector service"); a call it refuses gets 401 and is counted in `unauthorized`.
   */
  authorize?: (authorization: string | undefined) => Promise<boolean>;
  unauthorized = 0;
  /** Make the next N calls fail with this status (to exercise the bot's retries). */
  failNext: { count: number; status: number; retryAfter?: string } = { count: 0, status: 429 };
  private server?: Server;
  private waiters: Array<() => void> = [];

  async start(): Promise<this> {
    const app = express();
    app.use(express.json({ limit: '1mb' }));
    app.use((req, res, next) => {
      if (!this.authorize) return next();
      this.authorize(req.header('authorization')).then(
        (ok) => {
          if (ok) return next();
          this.unauthorized += 1;
          res
            .status(401)
            .json({ error: { code: 'Unauthorized', message: 'Authorization has been denied.' } });
        },
        (error: unknown) => next(error),
      );
    });
    const record = (req: express.Request, res: express.Response, method: 'POST' | 'PUT') => {
      const conversationId = decodeURIComponent(req.params.conversationId);
      const activityId = req.params.activityId ? decodeURIComponent(req.params.activityId) : undefined;
      this.calls.push({ method, conversationId, activityId, at: Date.now() });
      if (this.failNext.count > 0) {
        this.failNext.count -= 1;
        if (this.failNext.retryAfter) res.setHeader('Retry-After', this.failNext.retryAfter);
        res.status(this.failNext.status).json({ error: { code: 'Throttled', message: 'Too many requests' } });
        return;
      }
      const body = req.body as Record<string, unknown>;
      if (method === 'PUT' && activityId) {
        const existing = this.messages.get(activityId);
        if (!existing) {
          res.status(404).json({ error: { code: 'ActivityNotFound', message: 'Unknown activity' } });
          return;
        }
        existing.activity = body;
        existing.versions.push(body);
        res.json({ id: activityId });
      } else {
        this.add(conversationId, body);
        res.json({ id: this.lastId });
      }
      this.wake();
    };
    app.post('/v3/conversations/:conversationId/activities', (req, res) => record(req, res, 'POST'));
    app.post('/v3/conversations/:conversationId/activities/:activityId', (req, res) =>
      record(req, res, 'POST'),
    );
    app.put('/v3/conversations/:conversationId/activities/:activityId', (req, res) =>
      record(req, res, 'PUT'),
    );
    // Teams answers members as TeamsChannelAccount objects, in pages of at most 500.
    app.get('/v3/conversations/:conversationId/pagedmembers', (_req, res) => {
      this.rosterCalls += 1;
      res.json({
        members: this.roster.map((m) => ({ ...m, userPrincipalName: `${m.aadObjectId}@contoso.example` })),
      });
    });
    await new Promise<void>((resolve) => {
      this.server = app.listen(0, '127.0.0.1', () => resolve());
    });
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/`;
    return this;
  }

  /** Pretends a message already exists (a card the test posted itself, e.g. via an invoke reply). */
  seed(conversationId: string, activity: Record<string, unknown>): string {
    this.add(conversationId, activity);
    return this.lastId;
  }

  /** The messages of one conversation, oldest first. */
  inConversation(conversationId: string): RecordedActivity[] {
    return this.perConversation.get(conversationId) ?? [];
  }

  private lastId = '';

  private add(conversationId: string, activity: Record<string, unknown>): void {
    const id = randomUUID();
    const recorded = { id, conversationId, activity, versions: [activity], at: Date.now() };
    this.messages.set(id, recorded);
    const list = this.perConversation.get(conversationId) ?? [];
    list.push(recorded);
    this.perConversation.set(conversationId, list);
    this.lastId = id;
  }

  /** Waits until `predicate` finds something among the recorded messages. */
  async waitFor<T>(
    predicate: (messages: RecordedActivity[]) => T | undefined,
    timeoutMs = 30_000,
    what = 'a message',
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = predicate([...this.messages.values()]);
      if (found !== undefined && found !== null && found !== false) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`Timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      if (!this.server) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((wake) => wake());
  }
}

/** The Adaptive Card inside an activity, if any. */
export function cardOf(activity: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  const attachments = (activity?.attachments ?? []) as Array<{
    contentType?: string;
    content?: Record<string, unknown>;
  }>;
  return attachments.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content;
}

/**
 * What a message says in words: its text, and for a card the text of its first block (the completion
 * message carries the @mention and the outcome inside its card).
 */
export function noticeTextOf(activity: Record<string, unknown> | undefined): string {
  const card = cardOf(activity);
  const first = (card?.body as Array<{ text?: unknown }> | undefined)?.[0]?.text;
  return [activity?.text, typeof first === 'string' ? first : ''].filter(Boolean).join(' ');
}

/** The mention entities of a message: the activity's, or those inside its card (`msteams.entities`). */
export function mentionsOf(
  activity: Record<string, unknown> | undefined,
): Array<{ type: string; text: string; mentioned: { id: string; name: string } }> {
  const card = cardOf(activity) as { msteams?: { entities?: unknown[] } } | undefined;
  return [...((activity?.entities as unknown[]) ?? []), ...(card?.msteams?.entities ?? [])].filter(
    (e): e is { type: string; text: string; mentioned: { id: string; name: string } } =>
      typeof e === 'object' && e !== null && (e as { type?: string }).type === 'mention',
  );
}
