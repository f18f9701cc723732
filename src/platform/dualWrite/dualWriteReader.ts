import type { TokenCredential } from '@azure/identity';
import type { AxiosInstance } from 'axios';
import { MAP_STATE_BY_CODE } from './mapStates';
import { createFinanceOpsHttp } from '../financeOps/financeOpsHttp';
import { followableNextLink } from '../http/nextLink';
import { z } from 'zod';
import type { DualWriteConnection, DualWritePort, EntityMapStatus, MapState } from '../../engine/ports';
import type { Logger } from '../../log';
import type { RetryOptions } from '../http/httpPolicy';
import { PlatformError, toPlatformError, trimUrl } from '../platformError';

/**
 * A read-only DualWritePort for live mode with the gateway switched off: the admin links, applies
 * the solution and runs maps in Finance and Operations, and the engine verifies the result through
 * F&O OData, a documented read API (DOMAIN 5). Every write refuses with `not_supported`.
 *
 * What is read, all on the F&O host (`<fo>/data/`, token scope `<fo>/.default`, `cross-company=true`):
 * - `DualWriteProjectConfigurations`: one row per map published by Apply Solution. The table and the
 *   columns `ProjectName`, `InternalEntityName`, `ExternalEntityName` and `ExternalEnvironmentURL` are
 *   named in Microsoft's dual-write troubleshooting articles; `Status`, `IsActive`, `LegalEntities`
 *   and `LastError` are our reading [inferred].
 * - `DualWriteLegalEntities`: the companies of the link, one row per company (`dataAreaId`,
 *   `ExternalEnvironmentURL`) [inferred]. It tells a link apart from "nothing yet" before Apply
 *   Solution publishes any map. Where F&O does not serve it (404), the companies are read from the
 *   map rows instead, so the reader still works, only later.
 * Names and fields live in this file only, so a correction after a check on a real tenant is local.
 */
export const PROJECT_CONFIGURATIONS = 'DualWriteProjectConfigurations';
export const LINKED_LEGAL_ENTITIES = 'DualWriteLegalEntities';

export interface DualWriteReaderOptions {
  credential: TokenCredential;
  logger?: Logger;
  retry?: Partial<RetryOptions>;
  timeoutMs?: number;
  /** Why writes refuse: shown to the admin when an automatic path is tried anyway. */
  refusal?: string;
  /** Throws when the platform must not call this F&O URL (createPlatform's URL policy). */
  assertAllowedUrl?: (url: string) => void;
}

const DEFAULT_REFUSAL =
  'The dual-write gateway is an internal API and is switched off (DUALWRITE_GATEWAY_ENABLED): do this step in Finance and Operations, Data management > Dual-write.';

const configurationRow = z
  .object({
    ProjectName: z.string().nullable().optional(),
    InternalEntityName: z.string().nullable().optional(),
    ExternalEntityName: z.string().nullable().optional(),
    ExternalEnvironmentURL: z.string().nullable().optional(),
    DataverseEnvironmentUrl: z.string().nullable().optional(),
    Status: z.union([z.string(), z.number()]).nullable().optional(),
    IsActive: z.union([z.boolean(), z.string()]).nullable().optional(),
    LegalEntities: z.string().nullable().optional(),
    LastError: z.string().nullable().optional(),
  })
  .passthrough();
const linkRow = z
  .object({
    dataAreaId: z.string(),
    ExternalEnvironmentURL: z.string().nullable().optional(),
    DataverseEnvironmentUrl: z.string().nullable().optional(),
  })
  .passthrough();
const page = <T extends z.ZodTypeAny>(row: T) =>
  z.object({ value: z.array(row), '@odata.nextLink': z.string().optional() });

type ConfigurationRow = z.infer<typeof configurationRow>;

const STATE_BY_LABEL: Record<string, MapState> = {
  notrunning: 'NotRunning',
  initialsync: 'InitialSync',
  initializing: 'InitialSync',
  running: 'Running',
  paused: 'Paused',
  resuming: 'Running',
  stopped: 'Stopped',
};

export function createDualWriteReader(options: DualWriteReaderOptions): DualWritePort {
  const clients = new Map<string, AxiosInstance>();
  const refusal = options.refusal ?? DEFAULT_REFUSAL;

  function clientOf(financeOpsUrl: string): AxiosInstance {
    options.assertAllowedUrl?.(financeOpsUrl);
    const base = trimUrl(financeOpsUrl);
    let client = clients.get(base.toLowerCase());
    if (!client) {
      client = createFinanceOpsHttp(base, options);
      clients.set(base.toLowerCase(), client);
    }
    return client;
  }

  /** Every row of a set (following `@odata.nextLink`); null when F&O does not serve the set. */
  async function readAll<T extends z.ZodTypeAny>(
    financeOpsUrl: string,
    set: string,
    row: T,
  ): Promise<Array<z.infer<T>> | null> {
    const http = clientOf(financeOpsUrl);
    const rows: Array<z.infer<T>> = [];
    let next: string | undefined = `/${set}?cross-company=true`;
    try {
      while (next) {
        const response = await http.get(next);
        const parsed = page(row).parse(response.data);
        rows.push(...(parsed.value as Array<z.infer<T>>));
        const link = parsed['@odata.nextLink'];
        next = link === undefined ? undefined : followableNextLink(String(http.defaults.baseURL), link);
      }
      return rows;
    } catch (error) {
      const failure = toPlatformError(error, `Reading ${set} from Finance and Operations`);
      if (failure.code === 'not_found') return null;
      throw failure;
    }
  }

  async function configurations(financeOpsUrl: string, dataverseUrl: string): Promise<ConfigurationRow[]> {
    const rows = (await readAll(financeOpsUrl, PROJECT_CONFIGURATIONS, configurationRow)) ?? [];
    return rows.filter((r) => sameUrl(r.ExternalEnvironmentURL ?? r.DataverseEnvironmentUrl, dataverseUrl));
  }

  async function findConnection(
    financeOpsUrl: string,
    dataverseUrl: string,
  ): Promise<DualWriteConnection | null> {
    const [maps, links] = await Promise.all([
      configurations(financeOpsUrl, dataverseUrl),
      readAll(financeOpsUrl, LINKED_LEGAL_ENTITIES, linkRow),
    ]);
    const linked = links
      ? links
          .filter((r) => sameUrl(r.ExternalEnvironmentURL ?? r.DataverseEnvironmentUrl, dataverseUrl))
          .map((r) => r.dataAreaId)
      : maps.flatMap((r) => (r.LegalEntities ?? '').split(','));
    const legalEntities = [...new Set(linked.map((code) => code.trim().toUpperCase()).filter(Boolean))];
    if (!legalEntities.length && !maps.length) return null;
    return {
      id: connectionId(financeOpsUrl, dataverseUrl),
      financeOpsUrl: trimUrl(financeOpsUrl),
      dataverseUrl: trimUrl(dataverseUrl),
      legalEntities,
      solutionApplied: maps.length > 0,
    };
  }

  const refuse = async (): Promise<never> => {
    throw new PlatformError('not_supported', refusal);
  };

  return {
    findConnection: (financeOpsUrl, dataverseUrl) => findConnection(financeOpsUrl, dataverseUrl),
    async listMaps(id) {
      const { financeOpsUrl, dataverseUrl } = parseConnectionId(id);
      return (await configurations(financeOpsUrl, dataverseUrl)).map(toMapStatus);
    },
    createConnection: refuse,
    addLegalEntities: refuse,
    applySolution: refuse,
    runMap: refuse,
  };
}

/**
 * Without the gateway there is no connection id to read, so the reader makes one from the two URLs:
 * stable across restarts (runs persist it) and enough for `listMaps` to find the rows again.
 */
const ID_PREFIX = 'fo-odata:';

export function connectionId(financeOpsUrl: string, dataverseUrl: string): string {
  const json = JSON.stringify([trimUrl(financeOpsUrl), trimUrl(dataverseUrl)]);
  return `${ID_PREFIX}${Buffer.from(json).toString('base64url')}`;
}

function parseConnectionId(id: string): { financeOpsUrl: string; dataverseUrl: string } {
  try {
    if (!id.startsWith(ID_PREFIX)) throw new Error('prefix');
    const [financeOpsUrl, dataverseUrl] = z
      .tuple([z.string().url(), z.string().url()])
      .parse(JSON.parse(Buffer.from(id.slice(ID_PREFIX.length), 'base64url').toString('utf8')));
    return { financeOpsUrl, dataverseUrl };
  } catch {
    throw new PlatformError('invalid', `${id} is not a connection id this reader made.`);
  }
}

function toMapStatus(row: ConfigurationRow): EntityMapStatus {
  const name = row.ProjectName ?? row.InternalEntityName ?? '';
  return { name, state: stateOf(row), lastError: row.LastError || undefined };
}

function stateOf(row: ConfigurationRow): MapState {
  if (typeof row.Status === 'number') return MAP_STATE_BY_CODE[row.Status] ?? 'NotRunning';
  if (typeof row.Status === 'string' && row.Status.trim()) {
    const label = row.Status.replace(/[\s_-]/g, '').toLowerCase();
    const code = Number(label);
    const state = Number.isInteger(code) ? MAP_STATE_BY_CODE[code] : STATE_BY_LABEL[label];
    if (state) return state;
  }
  const active = row.IsActive === true || String(row.IsActive).toLowerCase() === 'yes';
  return active ? 'Running' : 'NotRunning';
}

function sameUrl(a: string | null | undefined, b: string): boolean {
  return typeof a === 'string' && trimUrl(a).toLowerCase() === trimUrl(b).toLowerCase();
}
