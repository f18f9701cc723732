import type { TokenCredential } from '@azure/identity';
import { z } from 'zod';
import type { Company, DataversePort } from '../../engine/ports';
import type { Logger } from '../../log';
import { defaultScope } from '../http/credentials';
import { createHttpClient, type RetryOptions } from '../http/httpPolicy';
import { DEFAULT_BOOTSTRAP_TUNING, stampRowsWithCompany, type BootstrapTuning } from './bootstrapCompanyData';
import { companyLookupResolver } from './companyLookup';
import { DataverseError, toDataverseError } from './dataverseError';
import { odataString, queryAll, queryPages } from './odataQuery';
import { ServiceHints } from './serviceHints';

/**
 * The Dataverse Web API of one environment (`DataversePort`), for the real service and the emulator
 * alike: OData 4.0 headers, token scope `<org>/.default`, the shared HTTP policy for retries.
 */
export interface DataverseClientDeps {
  credential: TokenCredential;
  logger?: Logger;
  retry?: Partial<RetryOptions>;
  timeoutMs?: number;
  bootstrap?: Partial<BootstrapTuning>;
}

const ENTITY_SET = /^[A-Za-z_][A-Za-z0-9_]*$/;
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const COMPANY_CODE = /^[A-Za-z0-9]{1,4}$/;

const solutionRow = z.object({ uniquename: z.string(), version: z.string().nullable() });
const applicationUserRow = z.object({ applicationid: z.string().nullable() });
const companyRow = z.object({
  cdm_companyid: z.string(),
  cdm_companycode: z.string().nullable(),
  cdm_name: z.string().nullable(),
});
const entityDefinitions = z.object({ value: z.array(z.object({ PrimaryIdAttribute: z.string() })) });
/** `DisplayCollectionName` is a Label; `UserLocalizedLabel` is the caller's language (null if unset). */
const displayNames = z.object({
  value: z.array(
    z.object({
      EntitySetName: z.string().nullable(),
      DisplayCollectionName: z
        .object({ UserLocalizedLabel: z.object({ Label: z.string() }).nullable().optional() })
        .nullable()
        .optional(),
    }),
  ),
});
/** enable-power-platform-integration.md: the answer, and the error code of an environment without one. */
const integrationDetails = z.object({ Url: z.string(), TenantId: z.string(), Id: z.string() });
const NOT_INTEGRATED = '0x80048d0b';
/** Table display names change rarely: read once an hour per environment. */
const DISPLAY_NAMES_TTL_MS = 3_600_000;

export function createDataverseClient(orgUrl: string, deps: DataverseClientDeps): DataversePort {
  const root = orgUrl.replace(/\/+$/, '');
  const serviceRoot = `${root}/api/data/v9.2/`;
  // Every answer's limit hints (dop, budget left, Retry-After), for the bootstrap's pacing.
  const hints = new ServiceHints();
  const http = createHttpClient({
    service: 'dataverse',
    baseURL: serviceRoot,
    scope: defaultScope(root),
    credential: deps.credential,
    timeoutMs: deps.timeoutMs,
    retry: deps.retry,
    logger: deps.logger,
    headers: { 'OData-MaxVersion': '4.0', 'OData-Version': '4.0' },
    onAnswer: (answer) => hints.observe(answer),
  });
  const primaryKeys = new Map<string, Promise<string>>();
  const companyLookup = companyLookupResolver(http);
  let names: { at: number; read: Promise<Map<string, string>> } | undefined;

  /** Every table's plural display name by entity set, from one metadata query (cached). */
  function allDisplayNames(): Promise<Map<string, string>> {
    if (names && names.at > Date.now() - DISPLAY_NAMES_TTL_MS) return names.read;
    const read = (async () => {
      let data: unknown;
      try {
        ({ data } = await http.get('EntityDefinitions?$select=EntitySetName,DisplayCollectionName'));
      } catch (error) {
        throw toDataverseError(error, 'GET EntityDefinitions (display names)');
      }
      const found = new Map<string, string>();
      for (const table of displayNames.parse(data).value) {
        const label = table.DisplayCollectionName?.UserLocalizedLabel?.Label;
        if (table.EntitySetName && label) found.set(table.EntitySetName, label);
      }
      return found;
    })();
    names = { at: Date.now(), read };
    read.catch(() => (names = undefined));
    return read;
  }

  /** The table's primary key from the metadata API (cached): never guessed from the set name. */
  function primaryKey(entitySet: string): Promise<string> {
    assertEntitySet(entitySet);
    let key = primaryKeys.get(entitySet);
    if (!key) {
      key = (async () => {
        const path = `EntityDefinitions?$select=PrimaryIdAttribute&$filter=EntitySetName eq ${odataString(entitySet)}`;
        let data: unknown;
        try {
          ({ data } = await http.get(path));
        } catch (error) {
          throw toDataverseError(error, `GET EntityDefinitions (${entitySet})`);
        }
        const parsed = entityDefinitions.parse(data);
        if (parsed.value.length === 0)
          throw new DataverseError(`Dataverse has no table '${entitySet}'`, 'unknown_table', 404);
        return parsed.value[0].PrimaryIdAttribute;
      })();
      key.catch(() => primaryKeys.delete(entitySet));
      primaryKeys.set(entitySet, key);
    }
    return key;
  }

  async function countRows(entitySet: string, filter: string): Promise<number> {
    const key = await primaryKey(entitySet);
    let count = 0;
    for await (const page of queryPages(http, `${entitySet}?$select=${key}&$filter=${filter}`))
      count += page.length;
    return count;
  }

  return {
    async integrationDetails() {
      let data: unknown;
      try {
        ({ data } = await http.get('RetrieveFinanceAndOperationsIntegrationDetails'));
      } catch (error) {
        const failure = toDataverseError(error, 'GET RetrieveFinanceAndOperationsIntegrationDetails');
        if (failure.code.toLowerCase() === NOT_INTEGRATED) return null;
        throw failure;
      }
      const details = integrationDetails.parse(data);
      return {
        financeOpsUrl: details.Url.replace(/\/+$/, ''),
        financeOpsEnvironmentId: details.Id,
        tenantId: details.TenantId,
      };
    },

    async tableDisplayNames(entitySets) {
      const all = await allDisplayNames();
      return Object.fromEntries(entitySets.filter((set) => all.has(set)).map((set) => [set, all.get(set)!]));
    },

    async listSolutions() {
      const rows = await queryAll(http, 'solutions?$select=uniquename,version');
      return rows
        .map((row) => solutionRow.parse(row))
        .map((s) => ({ uniqueName: s.uniquename, version: s.version ?? '' }));
    },

    async listApplicationUserIds() {
      const rows = await queryAll(http, 'systemusers?$select=applicationid&$filter=applicationid ne null');
      return rows
        .map((row) => applicationUserRow.parse(row).applicationid)
        .filter((id): id is string => id !== null)
        .map((id) => id.toLowerCase());
    },

    async listPluginAssemblies() {
      const rows = await queryAll(http, 'pluginassemblies?$select=name');
      return rows.map((row) => String((row as { name?: unknown }).name ?? ''));
    },

    // Step names begin with their plug-in type's name, which begins with the assembly's [inferred:
    // the Web API filters steps by plug-in type, not assembly name; docs/fidelity.md].
    async listPluginSteps(assemblies) {
      const steps: Array<{ name: string; enabled: boolean }> = [];
      for (const assembly of assemblies) {
        const rows = await queryAll(
          http,
          `sdkmessageprocessingsteps?$select=name,statecode&$filter=startswith(name,${odataString(assembly)})`,
        );
        for (const row of rows) {
          const step = row as { name?: unknown; statecode?: unknown };
          steps.push({ name: String(step.name ?? ''), enabled: Number(step.statecode) === 0 });
        }
      }
      return steps;
    },

    async listCompanies() {
      const rows = await queryAll(http, 'cdm_companies?$select=cdm_companycode,cdm_name');
      return rows
        .map((row) => companyRow.partial().parse(row))
        .map((c) => ({ code: c.cdm_companycode ?? '', name: c.cdm_name ?? '' }));
    },

    async findUserLicence(domainName) {
      const rows = await queryAll(
        http,
        `systemusers?$select=islicensed,isdisabled&$filter=domainname eq ${odataString(domainName)}`,
      );
      const user = rows[0] as { islicensed?: unknown; isdisabled?: unknown } | undefined;
      return user ? { licensed: user.islicensed === true, disabled: user.isdisabled === true } : null;
    },

    async findCompany(code: string): Promise<Company | null> {
      if (!COMPANY_CODE.test(code))
        throw new DataverseError(`Invalid company code '${code}'`, 'invalid_company_code');
      const rows = await queryAll(
        http,
        `cdm_companies?$select=cdm_companyid,cdm_companycode,cdm_name&$filter=cdm_companycode eq ${odataString(code.toUpperCase())}`,
      );
      const match = rows
        .map((row) => companyRow.parse(row))
        .find((c) => c.cdm_companycode?.toUpperCase() === code.toUpperCase());
      return match
        ? { id: match.cdm_companyid, code: match.cdm_companycode!.toUpperCase(), name: match.cdm_name ?? '' }
        : null;
    },

    async countRowsWithoutCompany(entitySet: string) {
      assertEntitySet(entitySet);
      const { attribute } = await companyLookup(entitySet);
      return countRows(entitySet, `_${attribute}_value eq null`);
    },

    async countRowsOfCompany(entitySet: string, companyId: string) {
      assertGuid(companyId);
      assertEntitySet(entitySet);
      const { attribute } = await companyLookup(entitySet);
      return countRows(entitySet, `_${attribute}_value eq ${companyId}`);
    },

    stampRowsWithCompany(entitySet, companyId, options) {
      assertEntitySet(entitySet);
      assertGuid(companyId);
      return stampRowsWithCompany(
        {
          http,
          serviceRoot,
          primaryKey,
          companyLookup,
          hints,
          logger: deps.logger,
          tuning: { ...DEFAULT_BOOTSTRAP_TUNING, ...deps.bootstrap },
        },
        entitySet,
        companyId.toLowerCase(),
        options,
      );
    },
  };
}

function assertEntitySet(entitySet: string): void {
  if (!ENTITY_SET.test(entitySet))
    throw new DataverseError(`Invalid entity set name '${entitySet}'`, 'invalid_entity_set');
}

function assertGuid(id: string): void {
  if (!GUID.test(id)) throw new DataverseError(`Invalid GUID '${id}'`, 'invalid_guid');
}
