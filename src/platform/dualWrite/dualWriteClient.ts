import type { TokenCredential } from '@azure/identity';
import { z } from 'zod';
import type { DualWriteConnection, DualWritePort } from '../../engine/ports';
import type { Logger } from '../../log';
import { defaultScope } from '../http/credentials';
import { createHttpClient, type RetryOptions } from '../http/httpPolicy';
import { PlatformError, toPlatformError, trimUrl } from '../platformError';
import {
  DWM_PATH,
  RESTORE_TEMPLATES_APPLY,
  START_ACTIONS,
  axEnvironment,
  connectionSetSchema,
  crmEnvironment,
  environmentSchema,
  linkedLegalEntities,
  mapIdentityOf,
  mapSchema,
  requestIdSchema,
  solutionResultSchema,
  solutionsSchema,
  templateIdOf,
  type ConnectionSet,
  type GatewayEnvironment,
  type GatewayMap,
} from './gatewayWire';
import { financeOpsIdentifier, parseConnectionId } from './gatewayIds';
import { toMapStatus } from './mapStatus';
import { retryAfterMsOf } from '../http/pollHint';
import { waitForRequest, type GatewayRequest } from './requestWait';
import { keyOfMap, pickMap, tryPickMap } from './mapRefs';
import { actAndWait, prerequisiteTemplates, refreshProject, type GatewayCalls } from './mapProject';

// DualWritePort over the dual-write management gateway, an internal API [internal] read from
// Microsoft's Dual-write-automations tool (docs/dynamics-apis.md, "Dual-write management gateway"):
// `Environments`, `Entities`, `Start` + `Status/{requestId}`, `SolutionAware/{cid}/RestoreTemplates`,
// and `api/ConnectionSet/{cname}` (never `Reset`: it wipes the maps, reset.md). It takes a delegated (user) token for
// `https://IntegratorApp.com/.default`. The gateway has no public endpoint that creates a link: in live
// mode linking stays the admin's step in F&O; `canLink` is true only against the emulator, whose link
// route stands in for that wizard. The port's connection id carries the gateway's `cid` and `cname`
// (`<cid>:<cname>`): the connection set is read by name, everything else by cid.

export interface DualWriteClientOptions {
  gatewayUrl: string;
  credential: TokenCredential;
  scope?: string;
  /** Link through the emulator's stand-in for F&O's link wizard (no such public endpoint). */
  canLink?: boolean;
  /**
   * How often to poll a request's status when the gateway sends no `Retry-After` (default 2 s, as
   * the tool waits 1-2 s; the tool's record shows no hint header).
   */
  pollIntervalMs?: number;
  /** How long to wait for a request to finish (default 10 min). */
  requestTimeoutMs?: number;
  logger?: Logger;
  retry?: Partial<RetryOptions>;
  timeoutMs?: number;
}

/** The resource the gateway's tokens are for (TokenRefresh.cs, ServicePrincipalAuth.cs). */
export const GATEWAY_SCOPE = 'https://IntegratorApp.com/.default';

export function createDualWriteClient(options: DualWriteClientOptions): DualWritePort {
  const base = trimUrl(options.gatewayUrl);
  const http = createHttpClient({
    service: 'dualWrite',
    baseURL: base,
    scope: options.scope ?? defaultScope(base),
    credential: options.credential,
    logger: options.logger,
    retry: options.retry,
    timeoutMs: options.timeoutMs,
  });
  const pollMs = options.pollIntervalMs ?? 2000;
  const waitMs = options.requestTimeoutMs ?? 600_000;

  async function call<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw toPlatformError(error, what);
    }
  }

  async function environmentsOf(financeOpsUrl: string): Promise<GatewayEnvironment[]> {
    const response = await http.get(`${DWM_PATH}/Environments`, {
      params: { targetType: 'AX', identifier: financeOpsIdentifier(financeOpsUrl) },
    });
    return z.array(environmentSchema).parse(response.data);
  }

  async function connectionSet(cname: string): Promise<ConnectionSet> {
    const response = await http.get(`/api/ConnectionSet/${encodeURIComponent(cname)}`);
    return connectionSetSchema.parse(response.data);
  }

  // `Entities` answers every map of the connection (dozens, each with its requests). The engine reads
  // it right before it runs a map, so `runMap` takes that read when it is under a second old and no
  // request of this client changed the connection since, instead of asking for the same list again.
  const lastRead = new Map<string, { maps: GatewayMap[]; atMs: number }>();
  const REREAD_AFTER_MS = 1_000;

  async function maps(cid: string): Promise<GatewayMap[]> {
    const response = await http.get(`${DWM_PATH}/Entities`, { params: { targetType: 'AX', cid } });
    const read = z.array(mapSchema).parse(response.data);
    lastRead.set(cid, { maps: read, atMs: Date.now() });
    return read;
  }

  async function recentMaps(cid: string): Promise<GatewayMap[]> {
    const recent = lastRead.get(cid);
    return recent && Date.now() - recent.atMs < REREAD_AFTER_MS ? recent.maps : maps(cid);
  }

  async function toConnection(env: GatewayEnvironment, set: ConnectionSet): Promise<DualWriteConnection> {
    return {
      id: `${env.cid}:${env.cname}`,
      financeOpsUrl: trimUrl(axEnvironment(set)?.directUrl ?? ''),
      dataverseUrl: trimUrl(crmEnvironment(set)?.directUrl ?? ''),
      legalEntities: linkedLegalEntities(set),
      // Apply Solution is what publishes maps: a connection with maps has had it [inferred].
      solutionApplied: (await maps(env.cid)).length > 0,
    };
  }

  async function find(financeOpsUrl: string, dataverseUrl: string): Promise<DualWriteConnection | null> {
    for (const env of await environmentsOf(financeOpsUrl)) {
      const set = await connectionSet(env.cname);
      // Filter here too: an F&O environment linked to another Dataverse org is not this link.
      if (sameUrl(crmEnvironment(set)?.directUrl ?? '', dataverseUrl)) return toConnection(env, set);
    }
    return null;
  }

  const waitFor = (what: string, read: () => Promise<GatewayRequest | undefined>) =>
    waitForRequest(what, read, { pollMs, waitMs });

  async function start(detail: Record<string, unknown>, action: string): Promise<string> {
    lastRead.delete(String(detail.cid));
    const response = await http.post(
      `${DWM_PATH}/Start`,
      { action, details: [detail] },
      { idempotent: false },
    );
    return requestIdSchema.parse(response.data).requestId;
  }
  const calls: GatewayCalls = { http, start, waitFor: (what, read) => waitFor(what, read) };
  const withIds = (list: GatewayMap[]) => list.map((map) => ({ ...mapIdentityOf(map), map }));

  return {
    findConnection: (financeOpsUrl, dataverseUrl) =>
      call('Looking up the dual-write connection', () => find(financeOpsUrl, dataverseUrl)),

    linkedDataverse: (financeOpsUrl) =>
      call('Looking up the dual-write link of Finance and Operations', async () => {
        const [env] = await environmentsOf(financeOpsUrl);
        if (!env) return null;
        const url = crmEnvironment(await connectionSet(env.cname))?.directUrl;
        return url ? trimUrl(url) : null;
      }),

    createConnection: (request) =>
      call('Linking the environments for dual-write', async () => {
        if (!options.canLink)
          throw new PlatformError(
            'not_supported',
            'The dual-write gateway has no public endpoint that links environments: link them in Finance and Operations, Data management > Dual-write.',
          );
        await http.post(
          '/emulator/link',
          {
            financeOpsUrl: trimUrl(request.financeOpsUrl),
            dataverseUrl: trimUrl(request.dataverseUrl),
            legalEntities: request.legalEntities.map((code) => code.toUpperCase()),
          },
          { idempotent: false },
        );
        const created = await find(request.financeOpsUrl, request.dataverseUrl);
        if (!created) throw new PlatformError('failed', 'The link was made but cannot be read back.');
        return created;
      }),

    // Adding a legal entity is Environment details > Add legal entity in F&O (edit-legal-entity.md),
    // which keeps the maps; the gateway's Reset would clear them and is never used for it. No public
    // API adds one: only the emulator's stand-in for the dialog is called, as for the link.
    addLegalEntities: (connectionId, codes, addOptions = {}) =>
      call('Adding legal entities to the dual-write connection', async () => {
        if (!options.canLink)
          throw new PlatformError(
            'not_supported',
            'No public API adds a legal entity to a dual-write link: add it in Finance and Operations, Data management > Dual-write, Environment details.',
          );
        const { cid, cname } = parseConnectionId(connectionId);
        await http.post(
          `/emulator/connections/${encodeURIComponent(cid)}/legalEntities`,
          {
            legalEntities: codes.map((code) => code.toUpperCase()),
            skipInitialWrites: addOptions.skipInitialWrites ?? false,
          },
          // Adding a company the link already has changes nothing: safe to send again.
          { idempotent: true },
        );
        lastRead.delete(cid);
        return toConnection({ cid, cname }, await connectionSet(cname));
      }),

    applySolution: (connectionId, only, tracking) =>
      call('Applying the dual-write solutions', async () => {
        const { cid } = parseConnectionId(connectionId);
        lastRead.delete(cid);
        const response = await http.get(`${DWM_PATH}/SolutionAware/${encodeURIComponent(cid)}/Solutions/`);
        const listed = solutionsSchema.parse(response.data);
        if (!listed.length)
          throw new PlatformError(
            'not_found',
            'No dual-write maps solution is installed in Dataverse to apply.',
          );
        // The gateway lists the entity maps solution of each installed package (e.g.
        // msdyn_DualWriteAppCoreMaps) [inferred from the tool's <Solutions>]. One it does not list
        // would publish nothing: an error that names it, never a silent skip.
        const unlisted = (only ?? []).filter(
          (name) => !listed.some(({ uniquename }) => sameName(name, uniquename)),
        );
        if (unlisted.length)
          throw new PlatformError(
            'not_found',
            `The dual-write gateway does not list ${unlisted.join(', ')} among the solutions to apply (it lists ${listed.map((s) => s.uniquename).join(', ')}): install the package that brings it, then retry.`,
          );
        const solutions = listed.filter(
          ({ uniquename }) => !only || only.some((name) => sameName(name, uniquename)),
        );
        // One solution per request, as the tool does ("otherwise duplicates will appear").
        const wait = (uniquename: string, requestId: string) =>
          waitFor(`Applying ${uniquename}`, async () => {
            const status = await http.get(
              `${DWM_PATH}/SolutionAware/${encodeURIComponent(cid)}/Status/${encodeURIComponent(requestId)}`,
            );
            const result = solutionResultSchema.parse(status.data);
            return {
              state: result.state,
              message: result.result?.message ?? undefined,
              retryAfterMs: retryAfterMsOf(status),
            };
          });
        for (const { uniquename } of solutions) {
          // A request accepted before a crash or a failed wait is waited on, not posted again; one
          // that failed or that the gateway no longer knows is posted anew.
          const resume = tracking?.resume;
          if (resume && sameName(resume.solution, uniquename)) {
            try {
              await wait(uniquename, resume.requestId);
              continue;
            } catch (error) {
              const { code } = toPlatformError(error, `Applying ${uniquename}`);
              if (code !== 'not_found' && !(error instanceof PlatformError && code === 'failed')) throw error;
            }
          }
          const posted = await http.post(
            `${DWM_PATH}/SolutionAware/${encodeURIComponent(cid)}/RestoreTemplates`,
            { action: RESTORE_TEMPLATES_APPLY, solutions: [{ criteria: { uniquename } }] },
            { idempotent: true },
          );
          const { requestId } = requestIdSchema.parse(posted.data);
          await tracking?.onAccepted?.(uniquename, requestId);
          await wait(uniquename, requestId);
        }
      }),

    listMaps: (connectionId) =>
      call('Reading the dual-write maps', async () =>
        (await maps(parseConnectionId(connectionId).cid)).map(toMapStatus),
      ),

    prerequisiteSequence: (connectionId, name) =>
      call(`Reading the prerequisite sequence of ${name}`, async () => {
        const { cid } = parseConnectionId(connectionId);
        const listed = withIds(await recentMaps(cid));
        const map = pickMap(listed, name, 'this dual-write connection').map;
        const tids = await prerequisiteTemplates(calls, cid, templateIdOf(map));
        // Template ids of maps the connection does not list are left out, as the tool does.
        return tids.flatMap((tid) => {
          const found = listed.find(({ map: m }) => [m.detail.tid, templateIdOf(m)].includes(tid));
          return found ? [keyOfMap(found)] : [];
        });
      }),

    runMap: (connectionId, name, runOptions) =>
      call(`Running the map ${name}`, async () => {
        const { cid } = parseConnectionId(connectionId);
        // A map is its table and its name: `name` is its key `<table> - <name>`; one the connection
        // does not list is an error naming both.
        const where = 'this dual-write connection (run Apply Solution for the package that brings it)';
        const pick = (list: GatewayMap[]) => pickMap(withIds(list), name, where).map;
        let map = pick(await recentMaps(cid));
        if (!map.detail.pid) {
          // A map without a project: action 8 creates it first (DWMapEngine.initMap). `Status`
          // answers the maps the request acted on, as they are now: the project id is there.
          const answered = await actAndWait(
            calls,
            { tid: templateIdOf(map), cid },
            START_ACTIONS.init,
            `Creating the project of ${name}`,
          );
          map = tryPickMap(withIds(answered), name)?.map ?? pick(await maps(cid));
          if (!map?.detail.pid) throw new PlatformError('failed', `The project of ${name} was not created.`);
        }
        if (runOptions.initialSync) {
          // As the tool runs an initial sync (DWMapEngine.runInitialSetup): from Stopped, right after
          // a Refresh of the project's tables [inferred from the tool]. A map already stopped is not
          // stopped again; a Refresh repeated after a crash changes nothing.
          const pid = map.detail.pid;
          if (toMapStatus(map).state !== 'Stopped')
            await actAndWait(
              calls,
              { tid: templateIdOf(map), pid, cid },
              START_ACTIONS.stop,
              `Stopping ${name}`,
            );
          await refreshProject(calls, pid);
        }
        // Returns at once: the engine polls Entities until the map leaves InitialSync. The Start
        // body names no companies: the initial sync covers the connection's legal entities.
        await start(
          {
            tid: templateIdOf(map),
            pid: map.detail.pid,
            cid,
            parameters: {
              skipInitialSync: !runOptions.initialSync,
              conflictResolution: { option: '1', master: runOptions.master === 'financeOps' ? 'AX' : 'CRM' },
            },
          },
          START_ACTIONS.start,
        );
      }),
  };
}

function sameUrl(a: string, b: string): boolean {
  return trimUrl(a).toLowerCase() === trimUrl(b).toLowerCase();
}

function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
