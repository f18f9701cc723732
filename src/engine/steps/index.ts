import type { StepKind } from '../model';
import { addCompanyToConnection } from './addCompanyToConnection';
import { applySolution } from './applySolution';
import { bootstrapCompanyData } from './bootstrapCompanyData';
import { checkPrerequisites } from './checkPrerequisites';
import { createCompany } from './createCompany';
import type { StepModule } from './defineStep';
import { enableEntityMaps } from './enableEntityMaps';
import { initialSync } from './initialSync';
import { installDualWriteSolutions } from './installDualWriteSolutions';
import { linkEnvironments } from './linkEnvironments';
import { provisionDataverse } from './provisionDataverse';
import { provisionFinanceOps } from './provisionFinanceOps';
import { verifySetup } from './verifySetup';

// Every step kind, one declared module each (defineStep). The engine's tables are derived from this
// list: the modules by kind, the parameters (stepParams.ts), the needs (scenarios/stepNeeds.ts), the
// planned steps (scenarios/plannedStep.ts) and the plan card's text (stepTouches.ts).

export const STEP_LIST = [
  checkPrerequisites,
  provisionFinanceOps,
  provisionDataverse,
  installDualWriteSolutions,
  linkEnvironments,
  applySolution,
  enableEntityMaps,
  createCompany,
  addCompanyToConnection,
  bootstrapCompanyData,
  initialSync,
  verifySetup,
] as const;

type ListedKind = (typeof STEP_LIST)[number]['kind'];
/** The module declared for kind K, with its parameter schema's type. */
export type ModuleOf<K extends StepKind> = Extract<(typeof STEP_LIST)[number], { kind: K }>;
export type StepParamSchema<K extends StepKind> = ModuleOf<K> extends StepModule<K, infer S> ? S : never;

// Compile-time: every name of stepKinds.ts has a module here (a module of an unknown kind does not
// compile in defineStep). Fails with the missing kinds in the message.
const everyKindListed: [Exclude<StepKind, ListedKind>] extends [never]
  ? true
  : { missingModules: Exclude<StepKind, ListedKind> } = true;
void everyKindListed;

/** One module per step kind, by kind. */
export const STEP_MODULES = Object.fromEntries(STEP_LIST.map((module) => [module.kind, module])) as {
  [K in StepKind]: ModuleOf<K>;
};
