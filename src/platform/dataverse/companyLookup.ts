import type { AxiosInstance } from 'axios';
import { z } from 'zod';
import { DataverseError, toDataverseError } from './dataverseError';
import { odataString } from './odataQuery';

// A table's lookup to cdm_company differs by table: `msdyn_company` on accounts and contacts,
// `msdyn_companyid` on products, other casings elsewhere (docs/dynamics-apis.md, "Company stamp").
// So it is read from the table's metadata, never assumed: `ReferencingAttribute` is the column (read
// back as `_<column>_value`), `ReferencingEntityNavigationPropertyName` the name a write binds
// (`<navigation>@odata.bind`, case-sensitive).

export interface CompanyLookup {
  /** Lookup column, e.g. `msdyn_company`: filter on `_<attribute>_value`. */
  attribute: string;
  /** Navigation property, e.g. `msdyn_company`: write `<navigation>@odata.bind`. */
  navigation: string;
}

const definition = z.object({ value: z.array(z.object({ LogicalName: z.string() })) });
const relationships = z.object({
  value: z.array(
    z.object({ ReferencingAttribute: z.string(), ReferencingEntityNavigationPropertyName: z.string() }),
  ),
});

export function companyLookupResolver(http: AxiosInstance): (entitySet: string) => Promise<CompanyLookup> {
  const cache = new Map<string, Promise<CompanyLookup>>();
  return (entitySet) => {
    let found = cache.get(entitySet);
    if (!found) {
      found = resolve(http, entitySet);
      found.catch(() => cache.delete(entitySet));
      cache.set(entitySet, found);
    }
    return found;
  };
}

async function resolve(http: AxiosInstance, entitySet: string): Promise<CompanyLookup> {
  try {
    const table = definition.parse(
      (
        await http.get(
          `EntityDefinitions?$select=LogicalName&$filter=EntitySetName eq ${odataString(entitySet)}`,
        )
      ).data,
    ).value[0];
    if (!table) throw new DataverseError(`Dataverse has no table '${entitySet}'`, 'unknown_table', 404);
    const lookups = relationships.parse(
      (
        await http.get(
          `EntityDefinitions(LogicalName=${odataString(table.LogicalName)})/ManyToOneRelationships?$select=ReferencingAttribute,ReferencingEntityNavigationPropertyName&$filter=ReferencedEntity eq 'cdm_company'`,
        )
      ).data,
    ).value;
    if (!lookups.length)
      throw new DataverseError(
        `The table '${entitySet}' has no lookup to cdm_company: it is not company-specific, so bootstrap does not apply to it.`,
        'no_company_lookup',
        400,
      );
    // Prefer the documented names when a table has more than one company lookup.
    const preferred = lookups.find((l) => /^msdyn_company(id)?$/i.test(l.ReferencingAttribute)) ?? lookups[0];
    return {
      attribute: preferred.ReferencingAttribute.toLowerCase(),
      navigation: preferred.ReferencingEntityNavigationPropertyName,
    };
  } catch (error) {
    if (error instanceof DataverseError) throw error;
    throw toDataverseError(error, `GET the company lookup of ${entitySet}`);
  }
}
