import type { TokenCredential } from '@azure/identity';
import { MAP_STATE_BY_CODE } from './mapStates';
import { z } from 'zod';
import type { DualWriteConnection, DualWritePort, EntityMapStatus, MapState } from '../../engine/ports';
import type { Logger } from '../../log';
import { defaultScope } from '../http/credentials';
import { createHttpClient, type RetryOptions } from '../http/httpPolicy';
import { toPlatformError, trimUrl } from '../platformError';

/**
 * DualWritePort over the dual-write management gateway (`<gateway>/api/DualWriteManagement/1.0/`).
 * An internal API [internal]: resource names and action codes come from Microsoft's own tooling, the
 * JSON field names are our reading of it [inferred]; everything that depends on them is in this file.
 * In live mode it is only used when DUALWRITE_GATEWAY_ENABLED is on; otherwise `dualWriteReader.ts` reads
 * the state through F&O OData.
 */
export interface DualWriteClientOptions {
  gatewayUrl: string;
  credential: TokenCredential;
  scope?: string;
  logger?: Logger;
  retry?: Partial<RetryOptions>;
  timeoutMs?: number;
}

export const GATEWAY_PATH = '/api/DualWriteManagement/1.0';
export const MAP_ACTIONS = { start: 1, stop: 4, pause: 5, resume: 6, initialSync: 8 } as const;
const STATE_NAMES: readonly MapState[] = ['NotRunning', 'InitialSync', 'Running', 'Paused', 'Stopped'];

const connectionSchema = z
  .object({
    Id: z.string(),
    FinanceAndOperationsUrl: z.string(),
    DataverseUrl: z.string(),
    LegalEntities: z.array(z.string()).default([]),
    SolutionApplied: z.boolean().default(false),
  })
  .passthrough();
const mapSchema = z
  .object({
    Name: z.string(),
    State: z.string().nullable().optional(),
    StateCode: z.number().nullable().optional(),
    LastError: z.string().nullable().optional(),
  })
  .passthrough();

export function createDualWriteClient(options: DualWriteClientOptions): DualWritePort {
  const base = trimUrl(options.gatewayUrl);
  const http = createHttpClient({
    baseURL: `${base}${GATEWAY_PATH}`,
    scope: options.scope ?? defaultScope(base),
    credential: options.credential,
    logger: options.logger,
    retry: options.retry,
    timeoutMs: options.timeoutMs,
  });

  async function call<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw toPlatformError(error, what);
    }
  }

  return {
    findConnection: (financeOpsUrl, dataverseUrl) =>
      call('Looking up the dual-write connection', async () => {
        const response = await http.get('/Environments', {
          params: { financeAndOperationsUrl: trimUrl(financeOpsUrl), dataverseUrl: trimUrl(dataverseUrl) },
        });
        const rows = z.object({ value: z.array(connectionSchema) }).parse(response.data).value;
        // Filter here too: never rely on the server honouring the query.
        const found = rows.find(
          (row) =>
            sameUrl(row.FinanceAndOperationsUrl, financeOpsUrl) && sameUrl(row.DataverseUrl, dataverseUrl),
        );
        return found ? toConnection(found) : null;
      }),

    createConnection: (request) =>
      call('Linking the environments for dual-write', async () => {
        const response = await http.post(
          '/Environments',
          {
            FinanceAndOperationsUrl: trimUrl(request.financeOpsUrl),
            DataverseUrl: trimUrl(request.dataverseUrl),
            LegalEntities: request.legalEntities.map((code) => code.toUpperCase()),
          },
          { idempotent: false },
        );
        return toConnection(connectionSchema.parse(response.data));
      }),

    addLegalEntities: (connectionId, codes) =>
      call('Adding legal entities to the dual-write connection', async () => {
        const response = await http.post(
          `/Environments/${encodeURIComponent(connectionId)}/LegalEntities`,
          { LegalEntities: codes.map((code) => code.toUpperCase()) },
          // Adding a company that is already linked changes nothing: safe to send again.
          { idempotent: true },
        );
        return toConnection(connectionSchema.parse(response.data));
      }),

    applySolution: (connectionId) =>
      call('Applying the dual-write solution', async () => {
        await http.post(`/Environments/${encodeURIComponent(connectionId)}/ApplySolution`, undefined, {
          idempotent: true,
        });
      }),

    listMaps: (connectionId) =>
      call('Reading the dual-write maps', async () => {
        const response = await http.get('/Entities', { params: { environmentId: connectionId } });
        return z
          .object({ value: z.array(mapSchema) })
          .parse(response.data)
          .value.map(toMapStatus);
      }),

    runMap: (connectionId, mapName, runOptions) =>
      call(`Running the map ${mapName}`, async () => {
        await http.post(
          '/Start',
          {
            EnvironmentId: connectionId,
            EntityName: mapName,
            Action: runOptions.initialSync ? MAP_ACTIONS.initialSync : MAP_ACTIONS.start,
            Master:
              runOptions.master === 'financeOps'
                ? 'FinanceAndOperations'
                : runOptions.master === 'dataverse'
                  ? 'Dataverse'
                  : undefined,
            LegalEntities: runOptions.legalEntities?.map((code) => code.toUpperCase()),
          },
          { idempotent: false },
        );
      }),
  };
}

function sameUrl(a: string, b: string): boolean {
  return trimUrl(a).toLowerCase() === trimUrl(b).toLowerCase();
}

function toConnection(row: z.infer<typeof connectionSchema>): DualWriteConnection {
  return {
    id: row.Id,
    financeOpsUrl: trimUrl(row.FinanceAndOperationsUrl),
    dataverseUrl: trimUrl(row.DataverseUrl),
    legalEntities: row.LegalEntities.map((code) => code.toUpperCase()),
    solutionApplied: row.SolutionApplied,
  };
}

function toMapStatus(row: z.infer<typeof mapSchema>): EntityMapStatus {
  const byName = STATE_NAMES.find(
    (name) => name.toLowerCase() === (row.State ?? '').replace(/\s/g, '').toLowerCase(),
  );
  const state =
    byName ?? (row.StateCode != null ? MAP_STATE_BY_CODE[row.StateCode] : undefined) ?? 'NotRunning';
  return { name: row.Name, state, lastError: row.LastError ?? undefined };
}
