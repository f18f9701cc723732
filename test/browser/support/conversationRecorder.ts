import type { Page, WebSocket } from 'playwright-core';

/**
 * Records what the Playground page receives over its conversation WebSocket: every message the bot
 * posts or updates, with the ids the page itself does not show (conversation id of the thread, the
 * message id). The approver's click needs those ids; the assertions stay on what the page shows.
 */
export interface RecordedMessage {
  action: string;
  conversationId: string;
  messageId: string;
  fromId: string;
  text: string;
  /** The mention entities as the page got them (who is highlighted in the text). */
  mentions: unknown[];
  cards: Array<Record<string, unknown>>;
}

export class ConversationRecorder {
  readonly messages: RecordedMessage[] = [];

  attach(page: Page): void {
    page.on('websocket', (socket: WebSocket) => {
      if (!socket.url().includes('/_ws_conversation/')) return;
      socket.on('framereceived', (frame) => this.record(String(frame.payload)));
    });
  }

  private record(payload: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload);
    } catch {
      return;
    }
    if (!parsed || typeof parsed !== 'object') return;
    const frame = parsed as {
      action?: string;
      actionConversationId?: string;
      message?: Record<string, unknown>;
    };
    if (!frame.action || !frame.message) return;
    const message = frame.message;
    const attachments = Array.isArray(message.attachments)
      ? (message.attachments as Array<Record<string, unknown>>)
      : [];
    this.messages.push({
      action: frame.action,
      conversationId: String(frame.actionConversationId ?? ''),
      messageId: String(message.messageId ?? message.id ?? ''),
      fromId: String((message.from as { id?: string } | undefined)?.id ?? ''),
      text: typeof message.text === 'string' ? message.text : '',
      mentions: Array.isArray(message.mentions) ? message.mentions : [],
      cards: attachments
        .filter((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')
        .map((a) => a.content as Record<string, unknown>),
    });
  }

  /** The newest message whose text contains `text`. */
  latestText(text: string): RecordedMessage | undefined {
    return [...this.messages].reverse().find((m) => m.text.includes(text));
  }

  /** The newest message whose card contains `text` (in its JSON). */
  latestCard(text: string): { message: RecordedMessage; card: Record<string, unknown> } | undefined {
    for (let i = this.messages.length - 1; i >= 0; i -= 1) {
      const message = this.messages[i];
      const card = message.cards.find((c) => JSON.stringify(c).includes(text));
      if (card) return { message, card };
    }
    return undefined;
  }
}

export interface ExecuteAction {
  title: string;
  verb: string;
  data: Record<string, unknown>;
}

/** Every Action.Execute of a card, in document order (as the page renders its buttons). */
export function executeActionsOf(card: unknown): ExecuteAction[] {
  const found: ExecuteAction[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const obj = node as Record<string, unknown>;
    if (obj.type === 'Action.Execute' && typeof obj.verb === 'string') {
      found.push({
        title: String(obj.title ?? ''),
        verb: obj.verb,
        data: (obj.data as Record<string, unknown>) ?? {},
      });
    }
    for (const [key, value] of Object.entries(obj)) if (key !== 'data') walk(value);
  };
  walk(card);
  return found;
}
