import type { Clock, EngineApi } from '../engine/engineApi';
import type { ConversationStore } from '../store/conversationStore';
import type { Logger } from '../log';
import type { PerspectiveReader } from './audience/perspectiveReader';
import type { Roles } from './roles/roles';
import type { Notifier } from './notifier';

/** What the Teams layer's handlers use; built once by the composition root. */
export interface BotServices {
  engine: EngineApi;
  conversations: ConversationStore;
  notifier: Notifier;
  /** Who may do what (ADMINS, APPROVERS; Entra groups through Microsoft Graph). */
  roles: Roles;
  /** Whose copy of a run's cards: the shared one or a viewer's (roster, roles). */
  perspectives: PerspectiveReader;
  logger: Logger;
  /** The time cards are rendered at (the engine's clock). */
  clock: Clock;
  /** "the embedded emulator" or "live Dynamics 365", for the welcome card. */
  modeDescription: string;
  /** How long the review waits for the plan preview before answering and updating later. */
  previewWaitMs: number;
  /** The Azure Bot's OAuth connection Teams SSO tokens are exchanged through (SSO_CONNECTION_NAME). */
  ssoConnectionName: string;
}
