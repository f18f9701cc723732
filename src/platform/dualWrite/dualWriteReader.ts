import type { TokenCredential } from '@azure/identity';
import type { AxiosInstance } from 'axios';
import { MAP_STATE_BY_CODE } from './mapStates';
import { createFinanceOpsHttp } from '../financeOps/financeOpsHttp';
import { readAllPages } from '../http/pagedRead';
import { z } from 'zod';
import type { DualWriteConnection, DualWritePort, EntityMapStatus, MapState } from '../../engine/ports';
import type { Logger } from '../../log';
import type { RetryOptions } from '../http/httpPolicy';
import { PlatformError, toPlatformError, trimUrl } from '../platformError';

// A read-only DualWritePort for live mode with the gateway switched off: the admin links, applies
// the solution and runs maps in Finance and Operations, and the engine verifies the result through
// F&O OData, a documented read API. Every write refuses with `not_supported`.
//
// What is read, all on the F&O host (`<fo>/data/`, token scope `<fo>/.default`, `cross-company=true`;
// docs/dynamics-apis.md, "F&O dual-write configuration"):
// - `DualWriteProjectConfigurations` (DualWriteProjectConfigurationEntity, named in Microsoft's
//   dual-write troubleshooting articles): two rows per published map, no dataAreaId. Columns read:
//   `ProjectName` (key), `InternalEntityName` (the F&O entity label, e.g. "Customers V3", which is the
//   map's name), `ExternalEntityName` (the Dataverse entity set, e.g. "accounts"; the two together
//   name one map: "Customers V3" is also a map of "contacts"),
//   `ExternalEnvironmentUrl` (this casing) and `Status` (enum DualWriteProjectStatus: Enabled,
//   Disabled, Queueing, …).
// - `DualWriteProjectPartitionMappings`: the companies of each project (`ProjectName`,
//   `ExternalCompanyName`, `InternalCompanyName`). There is no `DualWriteLegalEntities`.
// No public F&O read shows a link before Apply Solution publishes maps: until then the reader finds
// no connection. Names and fields live in this file only, so a correction is local.
export const PROJECT_CONFIGURATIONS = 'DualWriteProjectConfigurations';
export const PROJECT_PARTITION_MAPPINGS = 'DualWriteProjectPartitionMappings';

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

export const projectConfigurationRow = z
  .object({
    ProjectName: z.string(),
    InternalEntityName: z.string().nullable().optional(),
    ExternalEntityName: z.string().nullable().optional(),
    ExternalEnvironmentUrl: z.string().nullable().optional(),
    Status: z.union([z.string(), z.number()]).nullable().optional(),
  })
  .passthrough();
export const partitionMappingRow = z
  .object({
    ProjectName: z.string(),
    ExternalCompanyName: z.string().nullable().optional(),
    InternalCompanyName: z.string().nullable().optional(),
  })
  .passthrough();
const page = <T extends z.ZodTypeAny>(row: T) =>
  z.object({ value: z.array(row), '@odata.nextLink': z.string().optional() });

type ConfigurationRow = z.infer<typeof projectConfigurationRow>;

/** DualWriteProjectStatus -> map state. Enabled and Disabled are documented; the rest [inferred]. */
const STATE_BY_STATUS: Record<string, MapState> = {
  enabled: 'Running',
  running: 'Running',
  disabled: 'NotRunning',
  notrunning: 'NotRunning',
  queueing: 'Paused',
  paused: 'Paused',
  initialsync: 'InitialSync',
  initializing: 'InitialSync',
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

  /**
   * Every row of a set (following `@odata.nextLink`). F&O serves these sets whether or not a link
   * exists (empty until Apply Solution), so a 404 is an error (a wrong URL, a version without
   * dual-write, a set not public), never "not linked".
   */
  async function readAll<T extends z.ZodTypeAny>(
    financeOpsUrl: string,
    set: string,
    row: T,
  ): Promise<Array<z.infer<T>>> {
    const http = clientOf(financeOpsUrl);
    try {
      const rows = await readAllPages(
        `/${set}?cross-company=true`,
        async (path) => {
          const parsed = page(row).parse((await http.get(path)).data);
          return { value: parsed.value as Array<z.infer<T>>, nextLink: parsed['@odata.nextLink'] };
        },
        { serviceRoot: String(http.defaults.baseURL) },
      );
      return rows;
    } catch (error) {
      const failure = toPlatformError(error, `Reading ${set} from Finance and Operations`);
      if (failure.code === 'not_found')
        throw new PlatformError(
          'not_found',
          `Finance and Operations at ${trimUrl(financeOpsUrl)} does not serve ${set} (404): not a dual-write F&O environment, or the set is not readable by the bot. ${failure.message}`,
          404,
          failure.serviceCode,
        );
      throw failure;
    }
  }

  async function configurations(financeOpsUrl: string, dataverseUrl: string): Promise<ConfigurationRow[]> {
    const rows = await readAll(financeOpsUrl, PROJECT_CONFIGURATIONS, projectConfigurationRow);
    return rows.filter((r) => sameUrl(r.ExternalEnvironmentUrl, dataverseUrl));
  }

  async function findConnection(
    financeOpsUrl: string,
    dataverseUrl: string,
  ): Promise<DualWriteConnection | null> {
    const maps = await configurations(financeOpsUrl, dataverseUrl);
    if (!maps.length) return null;
    const projects = new Set(maps.map((r) => r.ProjectName));
    const partitions = await readAll(financeOpsUrl, PROJECT_PARTITION_MAPPINGS, partitionMappingRow);
    const linked = partitions
      .filter((r) => projects.has(r.ProjectName))
      .map((r) => r.ExternalCompanyName ?? r.InternalCompanyName ?? '');
    const legalEntities = [...new Set(linked.map((code) => code.trim().toUpperCase()).filter(Boolean))];
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
    // No F&O read shows a link before Apply Solution publishes maps (see above).
    async linkedDataverse(financeOpsUrl) {
      const rows = await readAll(financeOpsUrl, PROJECT_CONFIGURATIONS, projectConfigurationRow);
      const url = rows.find((row) => row.ExternalEnvironmentUrl)?.ExternalEnvironmentUrl;
      return url ? trimUrl(url) : null;
    },
    async listMaps(id) {
      const { financeOpsUrl, dataverseUrl } = parseConnectionId(id);
      return toMapStatuses(await configurations(financeOpsUrl, dataverseUrl));
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

/**
 * One status per map: its two project rows count as running only when both are. A map is its
 * Dataverse table and its name: rows are grouped on `ExternalEntityName` and `InternalEntityName`
 * together, since two maps share a name ("Customers V3" for `accounts` and for `contacts`,
 * separated-solutions.md).
 */
function toMapStatuses(rows: ConfigurationRow[]): EntityMapStatus[] {
  const byMap = new Map<string, { table: string; name: string; states: MapState[] }>();
  for (const row of rows) {
    const table = (row.ExternalEntityName ?? '').trim();
    const name = (row.InternalEntityName ?? row.ProjectName).trim();
    const key = `${table} - ${name}`.toLowerCase();
    const entry = byMap.get(key) ?? { table, name, states: [] };
    entry.states.push(stateOf(row));
    byMap.set(key, entry);
  }
  return [...byMap.values()].map(({ table, name, states }) => ({
    table,
    name,
    state: states.every((state) => state === states[0]) ? states[0] : states.find((s) => s !== 'Running')!,
  }));
}

function stateOf(row: ConfigurationRow): MapState {
  if (typeof row.Status === 'number') return MAP_STATE_BY_CODE[row.Status] ?? 'NotRunning';
  const label = String(row.Status ?? '')
    .replace(/[\s_-]/g, '')
    .toLowerCase();
  return STATE_BY_STATUS[label] ?? 'NotRunning';
}

function sameUrl(a: string | null | undefined, b: string): boolean {
  return typeof a === 'string' && trimUrl(a).toLowerCase() === trimUrl(b).toLowerCase();
}
