/**
 * Validates a card with Microsoft's Adaptive Cards SDK parser at schema version 1.5: unknown
 * elements, invalid property values, duplicate ids and empty collections are reported.
 */
// The package's CommonJS entry imports ESM files; its UMD bundle loads in Node and jest.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const AC = require('adaptivecards/dist/adaptivecards.js');

export function adaptiveCardProblems(json: unknown): string[] {
  const card = new AC.AdaptiveCard();
  const context = new AC.SerializationContext(AC.Versions.v1_5);
  card.parse(json, context);
  const problems: string[] = [];
  for (let i = 0; i < context.eventCount; i += 1) {
    const event = context.getEventAt(i);
    problems.push(`${AC.ValidationEvent[event.event]}: ${event.message}`);
  }
  for (const event of card.validateProperties().validationEvents) {
    problems.push(`${AC.ValidationEvent[event.event]}: ${event.message}`);
  }
  if ((json as { version?: string }).version !== '1.5') problems.push('card version is not 1.5');
  return problems;
}

/** Every Action.Execute in a card, with its verb and data. */
export function executeActions(
  card: unknown,
): Array<{ verb: string; title: string; data: Record<string, unknown> }> {
  const found: Array<{ verb: string; title: string; data: Record<string, unknown> }> = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const obj = node as Record<string, unknown>;
    if (obj.type === 'Action.Execute') {
      found.push({
        verb: String(obj.verb),
        title: String(obj.title ?? ''),
        data: (obj.data ?? {}) as Record<string, unknown>,
      });
    }
    Object.values(obj).forEach(walk);
  };
  walk(card);
  return found;
}
