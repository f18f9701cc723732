import type { TurnContext } from 'botbuilder';
import type { Config } from '../config';
import type { EngineApi } from '../engine/engineApi';
import type { Clock } from '../engine/ports';
import type { Logger } from '../log';
import { createAdapter, type BotAuthenticationOverrides } from '../bot/adapter';
import { PerspectiveReader } from '../bot/audience/perspectiveReader';
import { Roster } from '../bot/audience/roster';
import { createBotApp } from '../bot/botApp';
import { Notifier } from '../bot/notifier';
import { Roles } from '../bot/roles/roles';
import type { SendQueueOptions } from '../bot/sendQueue';
import { createGraphDirectoryClient } from '../platform/graph/graphDirectoryClient';
import type { ConversationStore } from '../store/conversationStore';
import { botFrameworkEndpoints } from './botFrameworkEndpoints';
import type { DynamicsConnection } from './dynamicsConnection';

// The Teams layer as the configuration says: who may do what (roles, through Microsoft Graph), the
// Bot Framework adapter, the notifier of engine events and the teams-ai application.

export interface TeamsBot {
  adapter: ReturnType<typeof createAdapter>;
  notifier: Notifier;
  /** One turn of the bot (an activity the server let in). */
  onTurn(context: TurnContext): Promise<void>;
}

export interface TeamsBotParts {
  engine: EngineApi;
  conversations: ConversationStore;
  dynamics: DynamicsConnection;
  clock: Clock;
  replicaId: string;
  logger: Logger;
  /** Overrides for the notifier's queue (tests shorten the coalescing interval). */
  queue?: SendQueueOptions;
  /** Tests only: validate Bot Framework tokens against a local key server (see bot/adapter.ts). */
  botAuthentication?: BotAuthenticationOverrides;
}

export function teamsBotFromConfig(config: Config, parts: TeamsBotParts): TeamsBot {
  const { engine, conversations, dynamics, clock, replicaId, logger } = parts;
  const now = () => clock.now().getTime();
  const roles = new Roles(
    { admins: config.ADMINS, approvers: config.APPROVERS, fourEyes: config.FOUR_EYES },
    createGraphDirectoryClient({
      baseUrl: dynamics.emulatorUrl ? `${dynamics.emulatorUrl}/graph` : config.GRAPH_API_URL,
      credential: dynamics.credential,
      logger,
    }),
    { now },
  );
  const perspectives = new PerspectiveReader(roles, new Roster({ now }), logger);
  const adapter = createAdapter(
    config,
    logger,
    botFrameworkEndpoints(config, dynamics.emulatorUrl, parts.botAuthentication),
  );
  const botId = config.BOT_ID ?? '';
  const notifier = new Notifier({
    adapter,
    botId,
    engine,
    conversations,
    perspectives,
    logger,
    queue: parts.queue,
    replicaId,
    clock,
  });
  notifier.attach();
  const app = createBotApp(
    {
      engine,
      conversations,
      notifier,
      roles,
      perspectives,
      logger,
      clock,
      modeDescription: dynamics.emulatorUrl
        ? `the Dynamics 365 emulator (${dynamics.emulatorUrl})`
        : 'live Dynamics 365',
      previewWaitMs: 40,
      ssoConnectionName: config.SSO_CONNECTION_NAME,
    },
    adapter,
    botId,
  );
  return { adapter, notifier, onTurn: (context) => app.run(context).then(() => undefined) };
}
