import type { BootstrapOrderChoice } from './model';
import type { Platform } from './ports';
import type { SetupInput } from './scenarios/scenarioInput';
import { LIVE_BOOTSTRAP_ROWS } from './steps/bootstrapCompanyData';

// Whether the plan card offers the bootstrap FAQ's order (docs/domain.md §4): when the Dataverse rows
// that need a company, counted at review, pass LIVE_BOOTSTRAP_ROWS. Only where the input can take
// the order (scenarioInput.ts `bootstrapOrder`) and the Dataverse environment exists to be counted.

export async function bootstrapOrderChoice(
  input: SetupInput,
  platform: Platform,
): Promise<BootstrapOrderChoice | undefined> {
  if (!('bootstrapOrder' in input) || !input.companyCode || !input.dataverseUrl) return undefined;
  try {
    const dataverse = platform.dataverse(input.dataverseUrl);
    let rows = 0;
    for (const table of input.bootstrapTables) rows += await dataverse.countRowsWithoutCompany(table);
    return rows > LIVE_BOOTSTRAP_ROWS ? { rows, order: input.bootstrapOrder } : undefined;
  } catch {
    // Unreadable counts offer nothing; the bootstrap approval counts again and advises then.
    return undefined;
  }
}
