import type { SetupInput } from './scenarios/scenarioInput';
import type { Platform } from './ports';
import { NAMED_TABLES, STANDARD_TABLE_NAMES } from './catalog/tableNames';

// The table names a plan shows: read from the chosen existing Dataverse environment's table
// definitions (its own display names, customised or translated ones too), the standard names for a
// Dataverse that does not exist yet. A failed read never blocks a plan: the standard names stand in.

export async function tableDisplayNames(
  input: SetupInput,
  platform: Platform,
): Promise<Record<string, string>> {
  const url = 'dataverseUrl' in input ? input.dataverseUrl : undefined;
  const read = url ? platform.dataverse(url).tableDisplayNames : undefined;
  if (!url || !read) return { ...STANDARD_TABLE_NAMES };
  try {
    const found = await platform.dataverse(url).tableDisplayNames!(NAMED_TABLES);
    return { ...STANDARD_TABLE_NAMES, ...found };
  } catch {
    return { ...STANDARD_TABLE_NAMES };
  }
}
