import type { PlatformCapabilities } from '../../src/engine/ports';
import { planScenario } from '../../src/engine/scenarios/planScenario';
import { setupInputSchema } from '../../src/engine/scenarios/scenarioInput';

/** Reading plans in tests: the platforms a plan is made for, and the plan's steps by kind. */

/** Every step has an API (the emulator; live mode with the gateway on). */
export const ALL_AUTOMATIC: PlatformCapabilities = {
  deployFinanceOps: true,
  dualWriteGateway: true,
  linkDualWrite: true,
  createLegalEntity: true,
};

/** Live mode without the gateway: the steps without a public API are manual. */
export const LIVE_WITHOUT_GATEWAY: PlatformCapabilities = {
  deployFinanceOps: false,
  dualWriteGateway: false,
  linkDualWrite: false,
  createLegalEntity: false,
};

/** The plan of `input`, validated as the details card's input is. */
export const planOf = (input: unknown, capabilities: PlatformCapabilities = ALL_AUTOMATIC) =>
  planScenario(setupInputSchema.parse(input), capabilities);

export const paramsOf = (steps: ReturnType<typeof planScenario>, kind: string) =>
  steps.find((s) => s.kind === kind)?.params as Record<string, unknown>;

/**
 * A new F&O (Lifecycle Services) with an existing Dataverse, with a company to bootstrap and an initial
 * sync: Microsoft's order (docs/domain.md §2), link, maps, company, add company, bootstrap, initial sync.
 */
export const NEW_EXISTING_WITH_SYNC = [
  'provisionFinanceOps',
  'installDualWriteSolutions',
  'checkPrerequisites',
  'linkEnvironments',
  'applySolution',
  'enableEntityMaps',
  'createCompany',
  'addCompanyToConnection',
  'bootstrapCompanyData',
  'initialSync',
  'verifySetup',
];
