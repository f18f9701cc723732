import { z } from 'zod';
import { scenarioIdSchema } from '../engine/engineApi';

// The data every card action carries, validated before anything else looks at it. Teams merges the
// card's input values into the action data, so wizard schemas are passthrough; run actions carry
// `runId` and the run's `rev` so stale and repeated clicks are recognised.

const MAX_FIELD = 4000;
const text = z.string().max(MAX_FIELD);
const runId = z.string().regex(/^[A-Za-z0-9-]{8,64}$/, 'not a run id');
const stepId = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'not a step id');
const rev = z.coerce.number().int().nonnegative();

export const ACTION_SCHEMAS = {
  'setup.begin': z.object({}).passthrough(),
  'help.show': z.object({}).passthrough(),
  'setup.chooser': z.object({}).passthrough(),
  'setup.recommend': z
    .object({
      financeOpsIsNew: z.enum(['yes', 'no'], { message: 'Answer whether Finance and Operations is new.' }),
      financeOpsHasDemoData: z.enum(['yes', 'no', '']).optional(),
      financeOpsHome: z.enum(['lcs', 'unified', '']).optional(),
      dataverseIsNew: z.enum(['yes', 'no'], { message: 'Answer whether Dataverse is new.' }),
    })
    .passthrough(),
  'setup.scenario': z.object({ scenario: scenarioIdSchema }).passthrough(),
  'setup.review': z.object({ scenario: scenarioIdSchema }).catchall(z.union([text, z.array(text).max(60)])),
  'setup.edit': z.object({ input: text }).passthrough(),
  // The Review's token (the engine refuses a Start without one, with the reason).
  'setup.start': z
    .object({ input: text, reviewToken: z.string().uuid('not a Review token').optional() })
    .passthrough(),
  /** The plan card's bootstrap order choice (docs/domain.md §4): the plan again in the chosen order. */
  'setup.order': z
    .object({
      input: text,
      bootstrapOrder: z.enum(['live', 'bulk'], {
        errorMap: () => ({ message: 'Choose the order of Microsoft’s setup scenarios or the bulk order.' }),
      }),
    })
    .passthrough(),
  'setup.abandon': z.object({}).passthrough(),
  'run.refresh': z.object({ runId }).passthrough(),
  /** The refresh verb of run, approval and manual cards (Teams invokes it for each listed user). */
  'run.view': z
    .object({ runId, kind: z.enum(['run', 'approval', 'manual']), stepId: stepId.optional() })
    .passthrough(),
  'run.cancel': z.object({ runId, rev: rev.optional() }).passthrough(),
  'run.retry': z.object({ runId, rev: rev.optional() }).passthrough(),
  'run.skip': z.object({ runId, stepId, rev }).passthrough(),
  'run.approve': z.object({ runId, stepId, rev }).passthrough(),
  'run.reject': z.object({ runId, stepId, rev, reason: z.string().max(500).optional() }).passthrough(),
  'run.verify': z.object({ runId, stepId, rev }).passthrough(),
  /** AZURE_AUTH=obo: the acting admin continues a step with their rights (the SSO token is not data). */
  'run.continueAsMe': z.object({ runId, stepId, rev }).passthrough(),
} as const;

export type Verb = keyof typeof ACTION_SCHEMAS;
export type ActionData<V extends Verb> = z.infer<(typeof ACTION_SCHEMAS)[V]>;
export const VERBS = Object.keys(ACTION_SCHEMAS) as Verb[];

/** Largest action payload we read at all (JSON characters); larger ones are refused unread. */
export const MAX_ACTION_BYTES = 16 * 1024;
