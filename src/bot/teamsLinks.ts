// Deep links to a message the bot posted, so a card can point back to another one instead of
// repeating it. Formats from MicrosoftDocs/msteams-docs, msteams-platform/concepts/build-and-test/
// deep-link-teams.md ("Deep links to navigate to channel conversation" and "... to chat messages").
// A one-on-one chat with the bot (conversation id `a:...`) has no documented message link.

const TEAMS = 'https://teams.microsoft.com/l/message';

export interface PostedMessage {
  /** The conversation id the message was posted in (a channel thread: `<channel>;messageid=<root>`). */
  conversationId: string;
  /** The id Bot Framework answered for the posted message. */
  activityId: string;
  tenantId?: string;
}

export function messageLink(message: PostedMessage): string | undefined {
  const [conversation, ...rest] = message.conversationId.split(';');
  if (!conversation.startsWith('19:') || !message.activityId) return undefined;
  const root = /^messageid=(.+)$/.exec(rest.join(';'))?.[1];
  const path = `${TEAMS}/${encodeURIComponent(conversation)}/${encodeURIComponent(message.activityId)}`;
  const query = new URLSearchParams();
  if (message.tenantId) query.set('tenantId', message.tenantId);
  if (root || conversation.endsWith('@thread.tacv2') || conversation.endsWith('@thread.skype')) {
    query.set('parentMessageId', root ?? message.activityId);
  } else {
    query.set('context', JSON.stringify({ contextType: 'chat' }));
  }
  return `${path}?${query.toString()}`;
}
