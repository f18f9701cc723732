import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { executeActions } from './adaptiveCardValidator';

/**
 * Sends Bot Framework activities to the bot's `/api/messages` over real HTTP, as Teams would from
 * a channel thread: typed messages (with the @mention Teams adds) and `adaptiveCard/action` invokes
 * carrying a card's own Action.Execute data merged with the input values a person would enter.
 */
export interface TeamsUser {
  id: string;
  aadObjectId: string;
  name: string;
}

export interface Conversation {
  id: string;
  teamId: string;
  channelId: string;
  tenantId: string;
}

const KEEP_ALIVE = new http.Agent({ keepAlive: true, maxSockets: 256 });

export const BOT = { id: '28:dualwrite-bot', name: 'Dual-write Setup' };

export function newConversation(): Conversation {
  const team = `19:${randomUUID().slice(0, 8)}@thread.tacv2`;
  return { id: `${team};messageid=${Date.now()}`, teamId: team, channelId: team, tenantId: 'tenant-contoso' };
}

export function user(name: string): TeamsUser {
  const aad = randomUUID();
  return { id: `29:${aad}`, aadObjectId: aad, name };
}

export class TeamsClient {
  constructor(
    private readonly botUrl: string,
    private readonly serviceUrl: string,
    /** The Authorization header of each request (a bot with BOT_ID); none when absent. */
    private readonly authorization?: (activity: Record<string, unknown>) => string | undefined,
  ) {}

  private base(from: TeamsUser, conversation: Conversation): Record<string, unknown> {
    return {
      id: randomUUID(),
      channelId: 'msteams',
      serviceUrl: this.serviceUrl,
      timestamp: new Date().toISOString(),
      from: { id: from.id, name: from.name, aadObjectId: from.aadObjectId },
      recipient: BOT,
      conversation: {
        id: conversation.id,
        conversationType: 'channel',
        isGroup: true,
        tenantId: conversation.tenantId,
      },
      channelData: {
        tenant: { id: conversation.tenantId },
        team: { id: conversation.teamId },
        channel: { id: conversation.channelId },
      },
      locale: 'en-US',
    };
  }

  /**
   * POSTs an activity over a keep-alive connection (node:http: far less client overhead than fetch
   * under load). `clientMs` is the HTTP round trip as the client saw it, body received.
   */
  async post(
    activity: Record<string, unknown>,
  ): Promise<{ status: number; body: unknown; serverMs?: number; clientMs: number }> {
    const payload = JSON.stringify(activity);
    const auth = this.authorization?.(activity);
    const url = new URL(`${this.botUrl}/api/messages`);
    const started = performance.now();
    const { status, text, serverTiming } = await new Promise<{
      status: number;
      text: string;
      serverTiming: string;
    }>((resolve, reject) => {
      const request = http.request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          agent: KEEP_ALIVE,
          headers: {
            'Content-Type': 'application/json',
            'Content-Length': Buffer.byteLength(payload),
            ...(auth ? { Authorization: auth } : {}),
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              text: Buffer.concat(chunks).toString('utf8'),
              serverTiming: String(response.headers['server-timing'] ?? ''),
            }),
          );
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(payload);
    });
    const clientMs = performance.now() - started;
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    const timing = /dur=([\d.]+)/.exec(serverTiming);
    return { status, body, serverMs: timing ? Number(timing[1]) : undefined, clientMs };
  }

  /** A channel message that @mentions the bot, as Teams sends it. */
  async say(from: TeamsUser, conversation: Conversation, text: string): Promise<number> {
    const mention = `<at>${BOT.name}</at>`;
    const activity = {
      ...this.base(from, conversation),
      type: 'message',
      text: `${mention} ${text}`,
      entities: [{ type: 'mention', text: mention, mentioned: BOT }],
    };
    return (await this.post(activity)).status;
  }

  /** A Teams SSO invoke (`signin/tokenExchange`, `signin/verifyState`); returns the invoke response. */
  async signIn(
    from: TeamsUser,
    conversation: Conversation,
    name: 'signin/tokenExchange' | 'signin/verifyState',
    value: Record<string, unknown>,
  ): Promise<{ status: number; body: unknown }> {
    const { status, body } = await this.post({
      ...this.base(from, conversation),
      type: 'invoke',
      name,
      value,
    });
    return { status, body };
  }

  /** An `adaptiveCard/action` invoke with raw data; returns the invoke response body. */
  async invoke(
    from: TeamsUser,
    conversation: Conversation,
    verb: string,
    data: Record<string, unknown>,
    replyToId: string,
    trigger: 'manual' | 'automatic' = 'manual',
    /** The SSO token Teams attaches after the bot's login request (`value.authentication`). */
    authentication?: { id: string; connectionName: string; token: string },
  ): Promise<{ status: number; body: InvokeResponse; serverMs?: number; clientMs: number }> {
    const activity = {
      ...this.base(from, conversation),
      type: 'invoke',
      name: 'adaptiveCard/action',
      replyToId,
      value: {
        action: { type: 'Action.Execute', verb, data },
        trigger,
        ...(authentication ? { authentication } : {}),
      },
    };
    const result = await this.post(activity);
    return {
      status: result.status,
      body: result.body as InvokeResponse,
      serverMs: result.serverMs,
      clientMs: result.clientMs,
    };
  }

  /**
   * The card as Teams shows it to `from`: when the card's `refresh` lists them (or lists nobody, so
   * Teams refreshes for everyone), Teams invokes the refresh action as them and shows the answer.
   */
  async personalCard(
    from: TeamsUser,
    conversation: Conversation,
    card: Record<string, unknown>,
    replyToId: string,
  ): Promise<Record<string, unknown>> {
    const refresh = card.refresh as
      { action?: { verb?: string; data?: Record<string, unknown> }; userIds?: string[] } | undefined;
    if (!refresh?.action?.verb) return card;
    if (refresh.userIds && !refresh.userIds.includes(from.id)) return card;
    const response = await this.invoke(
      from,
      conversation,
      refresh.action.verb,
      refresh.action.data ?? {},
      replyToId,
      'automatic',
    );
    return responseCard(response);
  }

  /**
   * Clicks the button of a card: finds its Action.Execute by verb (and title when given), merges the
   * card's input values with `inputs` as Teams does, and invokes.
   */
  async click(
    from: TeamsUser,
    conversation: Conversation,
    card: Record<string, unknown>,
    replyToId: string,
    verb: string,
    options: {
      title?: string | RegExp;
      inputs?: Record<string, string>;
      match?: (data: Record<string, unknown>) => boolean;
      /** A forged click: the button as this other person's view shows it. */
      seenBy?: TeamsUser;
    } = {},
  ): Promise<{ status: number; body: InvokeResponse; serverMs?: number; clientMs: number }> {
    // Teams shows a listed user their own view of a card (refresh): the buttons may be only there.
    const find = (c: Record<string, unknown>) =>
      executeActions(c).find(
        (a) =>
          a.verb === verb &&
          (options.title === undefined ||
            (typeof options.title === 'string' ? a.title === options.title : options.title.test(a.title))) &&
          (!options.match || options.match(a.data)),
      );
    let action = find(card);
    if (!action) {
      const own = await this.personalCard(from, conversation, card, replyToId);
      action = find(own);
      if (!action && options.seenBy) {
        card = await this.personalCard(options.seenBy, conversation, card, replyToId);
        action = find(card);
      } else card = own;
    }
    if (!action) throw new Error(`The card has no Action.Execute with verb ${verb} for ${from.name}`);
    const data = { ...inputValues(card), ...(options.inputs ?? {}), ...action.data };
    return this.invoke(from, conversation, verb, data, replyToId);
  }
}

export interface InvokeResponse {
  statusCode: number;
  type: string;
  value: Record<string, unknown> | string;
}

/** The current values of a card's inputs, as Teams would submit them untouched. */
export function inputValues(card: Record<string, unknown>): Record<string, string> {
  const values: Record<string, string> = {};
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const obj = node as Record<string, unknown>;
    if (typeof obj.type === 'string' && obj.type.startsWith('Input.') && typeof obj.id === 'string') {
      values[obj.id] = obj.value === undefined ? '' : String(obj.value);
    }
    Object.values(obj).forEach(walk);
  };
  walk(card);
  return values;
}

/** The card an invoke answered with. */
export function responseCard(response: { body: InvokeResponse }): Record<string, unknown> {
  const value = response.body?.value;
  if (!value || typeof value !== 'object')
    throw new Error(`The invoke answered without a card: ${JSON.stringify(response.body)}`);
  return value;
}

export function textOf(card: Record<string, unknown>): string {
  return JSON.stringify(card);
}
