import type { ConversationReference } from 'botbuilder';
import type { ConversationStore } from '../store/conversationStore';

// Every turn carries its conversation's reference, which the notifier sends through. It changes
// seldom (a new service URL, a renamed channel), so a replica writes it only when it differs from
// what this replica last wrote: a click then costs no store round trip for it. The turn's own
// activity id is left out of the comparison (it differs every turn, and a proactive send in the
// conversation does not depend on it). Rows are never deleted, so a reference another replica wrote
// stays until one of them writes a newer one.

/** References remembered per replica; the oldest is forgotten first. */
const REMEMBERED = 5_000;

export function referenceSaver(
  conversations: Pick<ConversationStore, 'saveReference'>,
): (reference: Partial<ConversationReference>) => Promise<void> {
  const written = new Map<string, string>();
  return async (reference) => {
    const id = reference.conversation?.id;
    const text = JSON.stringify({ ...reference, activityId: undefined });
    if (!id || written.get(id) === text) return;
    await conversations.saveReference(reference);
    written.delete(id);
    written.set(id, text);
    if (written.size > REMEMBERED) written.delete(written.keys().next().value as string);
  };
}
