import type { FinanceOpsPort } from './ports';

// Whether the legal entities an existing F&O is to link exist there (docs/domain.md §3): asked by the
// plan's pre-flight and again by the run's prerequisite step, with the same text.

export interface LegalEntityPresence {
  /** The chosen codes F&O has no legal entity for, in the order chosen. */
  missing: string[];
  /** The codes F&O has (upper case, sorted), to pick from. */
  present: string[];
}

/** Compares upper-cased F&O ids with the chosen codes (the input schema upper-cases them). */
export async function legalEntityPresence(
  financeOps: FinanceOpsPort,
  chosen: readonly string[],
): Promise<LegalEntityPresence> {
  const present = new Set((await financeOps.listLegalEntities()).map((e) => e.id.toUpperCase()));
  return { missing: chosen.filter((code) => !present.has(code)), present: [...present].sort() };
}

export const missingLegalEntitiesText = (missing: readonly string[]): string =>
  `Finance and Operations has no legal entity ${missing.join(', ')}.`;
