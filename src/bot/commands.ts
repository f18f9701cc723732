// Typed commands from message text (the @mention already stripped). Anchored and case-insensitive:
// "run setup please" is not "setup". Unknown text gets help.

export type Command =
  | { name: 'help' }
  | { name: 'setup' }
  | { name: 'runs' }
  | { name: 'status'; runId?: string }
  | { name: 'cancel'; runId: string }
  | { name: 'retry'; runId: string }
  | { name: 'audit'; runId: string }
  | { name: 'unknown'; text: string };

const RUN_REF = '([A-Za-z0-9-]{4,64})';
const PATTERNS: Array<[RegExp, (match: RegExpMatchArray) => Command]> = [
  [/^(help|\?)$/i, () => ({ name: 'help' })],
  [/^(setup|start|new setup)$/i, () => ({ name: 'setup' })],
  [/^(runs|list)$/i, () => ({ name: 'runs' })],
  [new RegExp(`^status(?:\\s+${RUN_REF})?$`, 'i'), (m) => ({ name: 'status', runId: m[1] })],
  [new RegExp(`^cancel\\s+${RUN_REF}$`, 'i'), (m) => ({ name: 'cancel', runId: m[1] })],
  [new RegExp(`^retry\\s+${RUN_REF}$`, 'i'), (m) => ({ name: 'retry', runId: m[1] })],
  [new RegExp(`^audit\\s+${RUN_REF}$`, 'i'), (m) => ({ name: 'audit', runId: m[1] })],
];

export const MAX_COMMAND_LENGTH = 200;

export function parseCommand(rawText: string | undefined): Command {
  const text = (rawText ?? '')
    .replace(/<at>[^<]*<\/at>/gi, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (text.length > MAX_COMMAND_LENGTH) return { name: 'unknown', text: text.slice(0, 40) };
  for (const [pattern, build] of PATTERNS) {
    const match = text.match(pattern);
    if (match) return build(match);
  }
  return { name: 'unknown', text };
}
