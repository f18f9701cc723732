import { EngineError } from './engineApi';
import type { Platform } from './ports';
import { setupInputSchema, type SetupInput } from './scenarios/scenarioInput';

/**
 * The raw input of a preview or Start, validated (zod); throws EngineError('invalid_input') with one
 * detail per problem. A typed URL names where the bot sends a Dynamics token: refused here unless the
 * platform may call it.
 */
export function parseSetupInput(raw: unknown, platform: Platform): SetupInput {
  const parsed = setupInputSchema.safeParse(raw);
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue) => ({
      path: issue.path.join('.'),
      message: issue.message,
    }));
    throw new EngineError('invalid_input', details.map((d) => d.message).join(' '), details);
  }
  const refused = Object.entries(parsed.data)
    .filter(([field, value]) => field.endsWith('Url') && typeof value === 'string')
    .map(([field, value]) => ({ path: field, message: platform.environmentUrlRefusal?.(value as string) }))
    .filter((d): d is { path: string; message: string } => d.message !== undefined);
  if (refused.length) {
    throw new EngineError('invalid_input', refused.map((d) => d.message).join(' '), refused);
  }
  return parsed.data;
}
