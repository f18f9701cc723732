import type { TurnContext } from 'botbuilder';
import type { z } from 'zod';
import type { Actor, Run } from '../engine/engineApi';
import type { Permission } from './access';
import type { BotServices } from './botServices';
import type { ActionData, Verb } from './cardActions';
import type { AdaptiveCard } from './cards/renderCard';
import type { RunCardKind } from './views/cardOfMessage';

// The shape of one entry of the verb table (verbTable.ts): how a card verb's data is validated, who
// may use it, and the handler that answers with a card.

export interface VerbRequest<V extends Verb> {
  services: BotServices;
  context: TurnContext;
  actor: Actor;
  data: ActionData<V>;
}

/** A verb on a run: the table has read the run (an unknown run never reaches the handler). */
export interface RunRequest<V extends Verb> extends VerbRequest<V> {
  run: Run;
  /** The permission the click was granted (the viewer's card need not ask the roles again). */
  granted?: Permission;
}

type Schema<V extends Verb> = z.ZodType<ActionData<V>, z.ZodTypeDef, unknown>;

/** A verb that needs no run (the wizard, help). */
export interface PlainRoute<V extends Verb> {
  kind: 'plain';
  schema: Schema<V>;
  permission?: Permission;
  /** The card for data that does not validate, when the default "not understood" card is not right. */
  invalid?: (message: string) => AdaptiveCard;
  handle(request: VerbRequest<V>): AdaptiveCard | Promise<AdaptiveCard>;
}

export interface RunRoute<V extends Verb> {
  kind: 'run';
  schema: Schema<V>;
  permission: Permission;
  /** Which of the run's cards the verb sits on: a refusal answers with that card and the reason. */
  cardOf: RunCardKind;
  /** Where the run and step are in the data. */
  target(data: ActionData<V>): { runId: string; stepId?: string };
  /**
   * A check before the permission (a step that does not exist): a card ends the click there.
   * `nowMs`: the time of the answer, for the card it renders.
   */
  precheck?(run: Run, data: ActionData<V>, nowMs: number): AdaptiveCard | undefined;
  handle(request: RunRequest<V>): AdaptiveCard | Promise<AdaptiveCard>;
}

export type VerbRoute<V extends Verb> = PlainRoute<V> | RunRoute<V>;
export type VerbRoutes = { [V in Verb]: VerbRoute<V> };
