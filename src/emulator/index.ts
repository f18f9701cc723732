import express, { type NextFunction, type Request, type Response } from 'express';
import { liveWriteRefusal } from './dualWrite/liveWriteRefusal';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Logger } from '../log';
import { loopbackHostsOnly } from '../loopbackHost';
import { controlRouter, type ControlDeps } from './control/controlRouter';
import { createDataverseStats, dataverseRouter } from './dataverse/dataverseRouter';
import { createDataverseSettings, type DataverseSettings } from './dataverse/dataverseSettings';
import { DataverseStore } from './dataverse/dataverseStore';
import { gatewayRouter } from './dualWrite/gatewayRouter';
import { projectConfigurations, projectPartitionMappings } from './dualWrite/financeOpsTables';
import { GraphDirectory } from './graph/graphDirectory';
import { graphControlRouter, graphRouter } from './graph/graphRouter';
import { CallerLog } from './entra/callerLog';
import { delegatedOnly } from './entra/delegatedOnly';
import { botConnectorControlRouter, botConnectorMetadataRouter } from './entra/botConnectorAuth';
import { entraRouter } from './entra/entraRouter';
import { createSigningKeys } from './entra/signingKeys';
import { ssoControlRouter, tokenServiceRouter } from './entra/tokenServiceRouter';
import { financeOpsRouter } from './financeOps/financeOpsRouter';
import { FinanceOpsStore } from './financeOps/financeOpsStore';
import { LcsRateLimit } from './lcs/lcsRateLimit';
import { lifecycleRouter } from './lcs/lifecycleRouter';
import { applicationPackagesRouter, bapRouter } from './powerPlatform/powerPlatformRouter';
import { defaultSettings, type EmulatorSettings } from './settings';
import { EffectsLog } from './shell/effects';
import type { EmulatorContext } from './shell/emulatorContext';
import { createEmulatorServices } from './shell/emulatorServices';
import { openEmulatorDatabase } from './shell/emulatorDatabase';
import {
  CONTROL_PREFIX,
  injectFaults,
  requireBearer,
  sendJsonError,
  type FaultCounters,
} from './shell/httpShell';
import { resolveSeed, type EmulatorSeed, type EmulatorSeedInput } from './shell/seed';

/**
 * The embedded Dynamics 365 sandbox: one HTTP server on 127.0.0.1 speaking LCS-like provisioning,
 * F&O OData, Power Platform (BAP environments, application packages), the dual-write gateway and,
 * through the Dataverse part, the Dataverse Web API, over one SQLite file, so a demo survives a
 * restart. See docs/emulator.md for the URL layout, control API and failure modes.
 */
export interface EmulatorOptions {
  /** 0 picks a free port. */
  port: number;
  /** The emulator's own SQLite file. */
  dataFile: string;
  /** Multiplies every emulated duration (0.01: an hour of provisioning takes 36 s). */
  timeScale: number;
  logger?: Logger;
  seed?: EmulatorSeedInput;
}

export interface RunningEmulator {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Live and mutable: faults, failure modes, time scale. */
  settings: EmulatorSettings;
  /** The Dataverse part's live settings (latency, service protection, its faults). */
  dataverseSettings: DataverseSettings;
  /** The Entra directory behind the Microsoft Graph part (users, nested groups, outage switch). */
  graphDirectory: GraphDirectory;
  close(): Promise<void>;
}

export type { EmulatorSettings, EmulatorSeed };

/** Emulated seconds between live-sync passes (dual-write moves changes in near real time). */
const LIVE_SYNC_SECONDS = 30;

export async function startEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  const db = openEmulatorDatabase(options.dataFile);
  const seed = resolveSeed(options.seed);
  const settings = defaultSettings(options.timeScale);
  const dataverseSettings = createDataverseSettings({
    timeScale: options.timeScale,
    tenantId: seed.tenantId,
  });
  const dataverseStore = new DataverseStore(db);
  let baseUrl = 'http://127.0.0.1';
  const ctx: EmulatorContext = {
    db,
    settings,
    effects: new EffectsLog(db),
    dataverse: dataverseStore,
    financeOps: new FinanceOpsStore(db),
    seed,
    logger: options.logger,
    baseUrl: () => baseUrl,
    now: () => Date.now(),
  };
  const { lifecycle, powerPlatform, integration, unified, gateway } = createEmulatorServices(ctx);
  const faults: FaultCounters = { throttled: 0, transient: 0, hung: 0 };
  const dataverseStats = createDataverseStats();
  const graphDirectory = new GraphDirectory();
  // Made at start and never stored: Entra's key and the Bot Connector's (entra/signingKeys.ts).
  const keys = createSigningKeys();
  const callers = new CallerLog();

  const tick = () => {
    lifecycle.advance();
    powerPlatform.advance();
    gateway.advance();
    gateway.live.pass();
  };
  const applySeed = () => {
    const seeded = db.prepare("SELECT value FROM emu_meta WHERE key = 'seeded'").get();
    if (seeded) return;
    if (seed.existingFinanceOps) {
      const fo = seed.existingFinanceOps;
      lifecycle.seedDeployed(fo.name, fo.companies, fo.platformVersion);
    }
    if (seed.existingDataverse) {
      const dv = seed.existingDataverse;
      powerPlatform.seedExisting(dv.name, { accounts: dv.accounts, contacts: dv.contacts }, dv.appUsers);
    }
    const integratedWith = seed.existingFinanceOps?.integratedWith;
    const partner = integratedWith ? powerPlatform.findByName(integratedWith) : undefined;
    if (seed.existingFinanceOps && partner) integration.connect(seed.existingFinanceOps.name, partner.org);
    db.prepare("INSERT INTO emu_meta (key, value) VALUES ('seeded', ?)").run(new Date().toISOString());
  };
  const reset = () => {
    db.transaction(() => {
      const tables = db
        .prepare(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND (name GLOB 'emu_*' OR name GLOB 'lcs_*' OR name GLOB 'fo_*' OR name GLOB 'pp_*' OR name GLOB 'gw_*' OR name GLOB 'dv_*')",
        )
        .all() as Array<{ name: string }>;
      for (const { name } of tables) db.prepare(`DELETE FROM "${name}"`).run();
    })();
    settings.http.scripted.length = 0;
    Object.assign(settings, defaultSettings(settings.timeScale));
    faults.throttled = faults.transient = faults.hung = 0;
    graphDirectory.reset();
    callers.reset();
    applySeed();
  };
  applySeed();

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  // Not Microsoft's behaviour but this sandbox's: it is unauthenticated (its control API can make
  // anyone an approver), so a browser page that rebinds a DNS name to 127.0.0.1 gets 403.
  app.use(loopbackHostsOnly());
  app.use(injectFaults(settings, faults));
  app.use(requireBearer());
  const deps: ControlDeps = {
    ctx,
    lifecycle,
    powerPlatform,
    gateway,
    faults,
    dataverseSettings,
    dataverseStats,
    callers,
    tick,
    reset,
  };
  app.use(`${CONTROL_PREFIX}/graph`, graphControlRouter(graphDirectory));
  app.use(`${CONTROL_PREFIX}/entra`, ssoControlRouter(ctx));
  app.use(`${CONTROL_PREFIX}/botframework`, botConnectorControlRouter(ctx, keys.botConnector));
  app.use(CONTROL_PREFIX, controlRouter(deps));
  app.use(
    '/botframework',
    botConnectorMetadataRouter(ctx, keys.botConnector),
    tokenServiceRouter(ctx, keys.entra),
  );
  app.use('/lcs', delegatedOnly(settings, 'lcs', callers), lifecycleRouter(lifecycle, new LcsRateLimit(ctx)));
  app.use(
    '/fo',
    financeOpsRouter({
      ctx,
      lifecycle,
      projectConfigurations: (env) => projectConfigurations(gateway, env),
      projectPartitionMappings: (env) => projectPartitionMappings(gateway, env),
    }),
  );
  app.use('/bap', bapRouter(powerPlatform, unified));
  app.use('/powerplatform', applicationPackagesRouter(powerPlatform, unified));
  app.use('/dualwrite', delegatedOnly(settings, 'gateway', callers), gatewayRouter(gateway));
  app.use('/graph/v1.0', graphRouter(graphDirectory));
  app.use(
    '/orgs/:org',
    dataverseRouter(dataverseStore, dataverseSettings, {
      stats: dataverseStats,
      functions: { RetrieveFinanceAndOperationsIntegrationDetails: (org) => integration.details(org) },
      liveWriteRefusal: (org, entitySet) => liveWriteRefusal(ctx, org, entitySet),
    }),
  );
  // Entra last: its `/{tenant}/...` paths would match any first segment.
  app.use(entraRouter(ctx, keys.entra));
  app.use((req, res) => sendJsonError(res, 404, 'NotFound', `No emulated API at ${req.method} ${req.path}.`));
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status = (error as { status?: number; statusCode?: number }).status ?? 500;
    if (status >= 500) options.logger?.error({ err: error, path: req.path }, 'emulator request failed');
    if (!res.headersSent)
      sendJsonError(
        res,
        status,
        status === 400 ? 'BadRequest' : 'InternalServerError',
        status === 400
          ? 'The request body is not valid JSON.'
          : 'An internal error occurred in the emulator.',
      );
  });

  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(options.port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // Time moves on even when nobody polls: deployments finish, initial syncs complete, live sync runs.
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const schedule = () => {
    const interval = Math.min(2000, Math.max(50, LIVE_SYNC_SECONDS * 1000 * settings.timeScale));
    timer = setTimeout(() => {
      try {
        tick();
      } catch (error) {
        options.logger?.warn({ err: error }, 'emulator tick failed');
      }
      if (!closed) schedule();
    }, interval);
    timer.unref();
  };
  schedule();
  options.logger?.info({ url: baseUrl, dataFile: options.dataFile }, 'Dynamics 365 emulator listening');

  return {
    url: baseUrl,
    settings,
    dataverseSettings,
    graphDirectory,
    close: async () => {
      closed = true;
      if (timer) clearTimeout(timer);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      db.close();
    },
  };
}
