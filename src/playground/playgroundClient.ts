import { z } from 'zod';

// The one place that calls the Agents Playground's own (undocumented) endpoints, so a change in a
// later Playground version is fixed here only. Used to act as a second person (the approver): the
// page itself always acts as the signed-in user.

export interface CardClick {
  /** The thread's conversation id, e.g. `19:...@thread.tacv2;messageid=...`. */
  conversationId: string;
  /** The id of the message that carries the card. */
  replyToId: string;
  /** The Playground user id (`users[].id` of its config) who clicks. */
  fromId: string;
  action: { title: string; verb: string; data: Record<string, unknown> };
}

const invokeResponseSchema = z
  .object({
    status: z.number().optional(),
    statusCode: z.number().optional(),
    body: z.unknown().optional(),
    value: z.unknown().optional(),
  })
  .passthrough();

export type PlaygroundInvokeResponse = z.infer<typeof invokeResponseSchema>;

export class PlaygroundClient {
  constructor(private readonly baseUrl: string) {}

  async ping(): Promise<boolean> {
    try {
      const response = await fetch(`${this.baseUrl}/_debug/ping`, { signal: AbortSignal.timeout(2000) });
      return response.ok && (await response.text()).includes('pong');
    } catch {
      return false;
    }
  }

  /** Clicks an Action.Execute of a card as `fromId`; returns the bot's invoke response. */
  async clickAsUser(click: CardClick): Promise<PlaygroundInvokeResponse> {
    const response = await fetch(`${this.baseUrl}/_conversation/v1/invoke`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      signal: AbortSignal.timeout(15_000),
      body: JSON.stringify({
        name: 'adaptiveCard/action',
        value: { action: { type: 'Action.Execute', ...click.action }, trigger: 'manual' },
        from: { id: click.fromId },
        conversation: { id: click.conversationId },
        replyToId: click.replyToId,
      }),
    });
    const text = await response.text();
    if (!response.ok) {
      throw new Error(`The Playground refused the click (${response.status}): ${text.slice(0, 300)}`);
    }
    const parsed = invokeResponseSchema.safeParse(text ? JSON.parse(text) : {});
    if (!parsed.success) throw new Error(`Unexpected answer from the Playground: ${text.slice(0, 300)}`);
    return parsed.data;
  }
}

/** The card in an invoke response, wherever this Playground version puts it. */
export function cardOfInvokeResponse(
  response: PlaygroundInvokeResponse,
): Record<string, unknown> | undefined {
  const candidates: unknown[] = [response.value, response.body];
  for (const candidate of candidates) {
    if (!candidate || typeof candidate !== 'object') continue;
    const obj = candidate as Record<string, unknown>;
    if (obj.type === 'AdaptiveCard') return obj;
    const value = obj.value;
    if (value && typeof value === 'object' && (value as Record<string, unknown>).type === 'AdaptiveCard') {
      return value as Record<string, unknown>;
    }
  }
  return undefined;
}
