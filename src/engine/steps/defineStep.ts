import type { z } from 'zod';
import type { StepKind } from '../model';
import type { PlatformCapabilities } from '../ports';
import type { StepContext, VerificationResult } from './stepContext';

// Everything about one step kind, declared once in its module (steps/<kind>.ts) with `defineStep`:
// the plan (title, parameters, needs, automatic or manual, approval, skippable), the admin's manual
// instructions, the plan card's text, and the work. The engine's tables (StepKind's modules,
// parameters, needs, planned steps) are derived from the list in steps/index.ts.

/** What a module's functions see: the context plus its parameters, parsed with its own schema. */
export type KindContext<P> = StepContext & { readonly params: P };

/** What the plan card's "what it touches" text may use besides the step's own parameters. */
export interface PlanFacts {
  /** The maps the admin chose for initial sync, lower case (the other synced maps are prerequisites). */
  chosenMaps: readonly string[];
  /** Display names of the Dataverse tables, by entity set, as the plan shows them. */
  tableNames?: Record<string, string>;
}

/**
 * What the admin does when the step is manual (no public API, or the gateway off). The one home of
 * its instructions; which text the manual card shows:
 * - `forRun`, read when the step comes up: the instructions with this run's values (URLs, companies,
 *   maps in order). It replaces the planned text.
 * - `instructions`, planned with the step: shown when `forRun` is absent or its read fails (an API
 *   down), so the card always says what to do.
 * The link works the same way: `linkForRun` when it can be read, else `link`.
 */
export interface ManualWork<P> {
  instructions: string;
  link?: string;
  forRun?(ctx: KindContext<P>): Promise<string | undefined>;
  linkForRun?(ctx: KindContext<P>): Promise<string | undefined>;
}

export interface StepDeclaration<K extends StepKind, S extends z.ZodTypeAny> {
  kind: K;
  /** Its parameters: the planner builds them through this schema, the module receives them parsed. */
  params: S;
  title: string;
  /** The kinds whose outputs or facts it reads: it starts once those planned before it are done. */
  needs: readonly StepKind[];
  /** The kinds that wait for it wherever both are planned (e.g. the final verification). */
  neededBy: readonly StepKind[];
  /** Kinds it stands for besides its own (a unified F&O environment brings its Dataverse). */
  alsoProvides?(params: z.output<S>): readonly StepKind[];
  /** Done by the engine on this platform? Else manual: the admin does it and the engine verifies. */
  automatic(capabilities: PlatformCapabilities): boolean;
  needsApproval: boolean;
  skippable: boolean;
  /** Required for every kind that can be manual on some platform (test/engine/stepModules.test.ts). */
  manual?: ManualWork<z.output<S>>;
  /** The plan card's "what it touches": the maps, companies or tables it works on ('' for none). */
  touches(params: z.output<S>, plan: PlanFacts): string;
  /** Reads the current state first and does only what is missing; returns what later steps need. */
  execute(ctx: KindContext<z.output<S>>): Promise<Record<string, unknown>>;
  /** Checks through read APIs that the step's result is in place (manual steps, after the admin's Done). */
  verify(ctx: KindContext<z.output<S>>): Promise<VerificationResult>;
  /** What an approver is shown before the step may run. */
  approvalSummary?(ctx: KindContext<z.output<S>>): Promise<Record<string, unknown>>;
}

/** A declared step kind, as the planner and the executor use it (parameters parsed on every call). */
export interface StepModule<K extends StepKind = StepKind, S extends z.ZodTypeAny = z.ZodTypeAny> {
  kind: K;
  params: S;
  title: string;
  needs: readonly StepKind[];
  neededBy: readonly StepKind[];
  /** Its own kind and those it also stands for, given its planned parameters. */
  provides(params: Record<string, unknown> | undefined): StepKind[];
  automatic(capabilities: PlatformCapabilities): boolean;
  needsApproval: boolean;
  skippable: boolean;
  /** The planned (generic) instructions and link; see ManualWork for when they are shown. */
  manual?: { instructions: string; link?: string };
  touches(params: Record<string, unknown>, plan: PlanFacts): string;
  execute(ctx: StepContext): Promise<Record<string, unknown>>;
  verify(ctx: StepContext): Promise<VerificationResult>;
  approvalSummary?(ctx: StepContext): Promise<Record<string, unknown>>;
  /** ManualWork.linkForRun and forRun, asked when the step comes up. */
  manualLink?(ctx: StepContext): Promise<string | undefined>;
  manualInstructions?(ctx: StepContext): Promise<string | undefined>;
}

/** Declares one step kind; every call parses the step's parameters once with the kind's schema. */
export function defineStep<K extends StepKind, S extends z.ZodTypeAny>(
  declaration: StepDeclaration<K, S>,
): StepModule<K, S> {
  const { kind, params: schema, manual, approvalSummary, alsoProvides } = declaration;
  const parse = (raw: unknown): z.output<S> => schema.parse(raw);
  const typed = (ctx: StepContext): KindContext<z.output<S>> =>
    Object.assign(ctx, { params: parse(ctx.step.params) });
  const forRun = manual?.forRun;
  const linkForRun = manual?.linkForRun;
  return {
    kind,
    params: schema,
    title: declaration.title,
    needs: declaration.needs,
    neededBy: declaration.neededBy,
    provides: (raw) => [kind, ...(raw && alsoProvides ? alsoProvides(parse(raw)) : [])],
    automatic: declaration.automatic,
    needsApproval: declaration.needsApproval,
    skippable: declaration.skippable,
    ...(manual
      ? { manual: { instructions: manual.instructions, ...(manual.link ? { link: manual.link } : {}) } }
      : {}),
    // A card must render: parameters that do not parse (a step stored by an older version) show nothing.
    touches: (raw, plan) => {
      const parsed = schema.safeParse(raw);
      return parsed.success ? declaration.touches(parsed.data, plan) : '';
    },
    execute: (ctx) => declaration.execute(typed(ctx)),
    verify: (ctx) => declaration.verify(typed(ctx)),
    ...(approvalSummary ? { approvalSummary: (ctx: StepContext) => approvalSummary(typed(ctx)) } : {}),
    ...(linkForRun ? { manualLink: (ctx: StepContext) => linkForRun(typed(ctx)) } : {}),
    ...(forRun ? { manualInstructions: (ctx: StepContext) => forRun(typed(ctx)) } : {}),
  };
}

/** The parameters another step of the run was planned with (a later step reading an earlier one's). */
export function paramsOf<S extends z.ZodTypeAny>(
  module: Pick<StepModule<StepKind, S>, 'kind' | 'params'>,
  step: { kind: StepKind; params: Record<string, unknown> },
): z.output<S> | undefined {
  return step.kind === module.kind ? module.params.parse(step.params) : undefined;
}

/** For `touches`: the step's title says all it works on. */
export const touchesNothingMore = (): string => '';

/** For `automatic`: a documented API does it on every platform. */
export const onEveryPlatform = (): boolean => true;

/** For `neededBy`: the final verification reads what the step set up. */
export const BEFORE_VERIFICATION = ['verifySetup'] as const satisfies readonly StepKind[];
