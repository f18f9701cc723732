import type { TokenCredential } from '@azure/identity';
import { createFinanceOpsHttp } from './financeOpsHttp';
import { readAllPages } from '../http/pagedRead';
import { z } from 'zod';
import type { FinanceOpsPort, LegalEntity } from '../../engine/ports';
import type { Logger } from '../../log';
import type { RetryOptions } from '../http/httpPolicy';
import { toPlatformError, trimUrl } from '../platformError';

/**
 * FinanceOpsPort over F&O OData (`<host>/data/`). Company ids come back from F&O in lower case in
 * `dataAreaId`; this client hands the engine upper case only.
 */
export interface FinanceOpsClientOptions {
  url: string;
  credential: TokenCredential;
  logger?: Logger;
  retry?: Partial<RetryOptions>;
  timeoutMs?: number;
}

const legalEntitiesSchema = z.object({
  value: z.array(
    z.object({ LegalEntityId: z.string(), Name: z.string().nullable().optional() }).passthrough(),
  ),
  '@odata.nextLink': z.string().optional(),
});

/** Quotes a string literal for an OData URL. */
function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

export function createFinanceOpsClient(options: FinanceOpsClientOptions): FinanceOpsPort {
  const base = trimUrl(options.url);
  const http = createFinanceOpsHttp(base, options);

  return {
    async listLegalEntities() {
      try {
        const rows = await readAllPages(
          '/LegalEntities?$select=LegalEntityId,Name',
          async (path) => {
            const page = legalEntitiesSchema.parse((await http.get(path)).data);
            return { value: page.value, nextLink: page['@odata.nextLink'] };
          },
          { serviceRoot: `${base}/data` },
        );
        const entities: LegalEntity[] = rows.map((row) => ({
          id: row.LegalEntityId.toUpperCase(),
          name: row.Name ?? row.LegalEntityId,
        }));
        return entities;
      } catch (error) {
        throw toPlatformError(error, 'Reading legal entities from Finance and Operations');
      }
    },

    async createLegalEntity(entity) {
      try {
        await http.post(
          '/LegalEntities',
          { LegalEntityId: entity.id.toUpperCase(), Name: entity.name },
          { idempotent: false },
        );
      } catch (error) {
        throw toPlatformError(
          error,
          `Creating legal entity ${entity.id.toUpperCase()} in Finance and Operations`,
        );
      }
    },

    async countRows(entitySet, companyCode, companyField = 'dataAreaId') {
      // Global sets have no dataAreaId: filtering on it would fail, so count every row.
      const filter =
        companyField === null
          ? {}
          : companyField === 'dataAreaId'
            ? { $filter: `dataAreaId eq ${literal(companyCode.toLowerCase())}` }
            : { $filter: `${companyField} eq ${literal(companyCode.toUpperCase())}` };
      try {
        const response = await http.get(`/${encodeURIComponent(entitySet)}/$count`, {
          params: { 'cross-company': 'true', ...filter },
          responseType: 'text',
          transformResponse: (data: unknown) => data,
        });
        const count = Number(
          String(response.data)
            .replace(/^\uFEFF/, '')
            .trim(),
        );
        if (!Number.isInteger(count))
          throw new Error(`unexpected count ${String(response.data).slice(0, 40)}`);
        return count;
      } catch (error) {
        throw toPlatformError(
          error,
          `Counting ${entitySet} of ${companyCode.toUpperCase()} in Finance and Operations`,
        );
      }
    },
  };
}
