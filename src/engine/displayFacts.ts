import { DEMO_COMPANIES } from './catalog/demoCompanies';
import { ENTITY_MAP_CATALOG } from './catalog/entityMapCatalog';
import type { Run, StepState, StepStatus } from './model';
import { unmetNeeds } from './runStateMachine';

// What the cards show that only the engine knows, handed to the Teams layer through engineApi.ts so
// a card never re-derives an engine rule (and says the same as the executor does).

/** Statuses after which a step waits for nothing: it has ended, or it failed and waits for an admin. */
const NOT_WAITING: ReadonlySet<StepStatus> = new Set(['succeeded', 'skipped', 'cancelled', 'failed']);

/**
 * The steps this step still waits for before the executor may move it: its needs that have neither
 * succeeded nor been skipped (runStateMachine's `unmetNeeds`, the executor's own rule).
 */
export function stepWaitsFor(run: Run, step: StepState): StepState[] {
  return NOT_WAITING.has(step.status) ? [] : unmetNeeds(run, step);
}

/**
 * The entity maps a setup can choose for initial sync: a map is its table and its name, so the value is
 * its key; the title is the name the dual-write UI shows, with the table where names repeat.
 */
export const ENTITY_MAP_CHOICES: ReadonlyArray<{ title: string; value: string }> = ENTITY_MAP_CATALOG.map(
  (map) => ({
    title:
      ENTITY_MAP_CATALOG.filter((other) => other.name === map.name).length > 1
        ? `${map.name} (${map.table})`
        : map.name,
    value: map.key,
  }),
);

/** The legal entities of the F&O demo data (Contoso), offered for demo-data scenarios. */
export { DEMO_COMPANIES };
