import { z } from 'zod';

// One documented dual-write error: how to recognise it, what causes it, Microsoft's fix and where
// Microsoft says so. The doctor's checks and the failure cards both read these entries
// (docs/known-errors.md is generated from them).

/** Microsoft Learn, dual-write folder: every entry's source is a page of it. */
export const LEARN_DUAL_WRITE =
  'https://learn.microsoft.com/dynamics365/fin-ops-core/dev-itpro/data-entities/dual-write/';

export const KNOWN_ERROR_AREAS = ['setup', 'maps', 'initial-sync', 'live-sync', 'limits'] as const;

export const knownErrorSchema = z
  .object({
    /** Stable kebab-case id: cards, the doctor and the doc name an error by it. */
    id: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/),
    area: z.enum(KNOWN_ERROR_AREAS),
    /** A short heading (the documented error code, or the section title of the page). */
    title: z.string().min(3),
    match: z
      .object({
        /** Tested against `<code> <message>` of the failure: the documented text or error code. */
        text: z.instanceof(RegExp).optional(),
        /** When given, a failure with another HTTP status is not this error. */
        status: z.number().int().min(400).max(599).optional(),
      })
      .strict(),
    cause: z.string().min(10),
    fix: z.string().min(10),
    source: z.string().startsWith(LEARN_DUAL_WRITE),
    detection: z
      .object({
        /** The doctor check that finds the cause before a setup. */
        doctorCheck: z.string().min(3).optional(),
        /** Whether a failed step's text is recognised (match.text). */
        failurePattern: z.boolean(),
        /** Why the bot detects it only one way, or not at all. */
        note: z.string().min(10).optional(),
      })
      .strict(),
  })
  .strict();

export type KnownError = z.infer<typeof knownErrorSchema>;

/** The Learn URL of a page of the dual-write folder (`name` without `.md`). */
export function learnPage(name: string, anchor?: string): string {
  return `${LEARN_DUAL_WRITE}${name}${anchor ? `#${anchor}` : ''}`;
}
