import type { StepKind } from '../model';
import { addCompanyToConnection } from './addCompanyToConnection';
import { applySolution } from './applySolution';
import { bootstrapCompanyData } from './bootstrapCompanyData';
import { checkPrerequisites } from './checkPrerequisites';
import { createCompany } from './createCompany';
import { enableEntityMaps } from './enableEntityMaps';
import { initialSync } from './initialSync';
import { installDualWriteSolutions } from './installDualWriteSolutions';
import { linkEnvironments } from './linkEnvironments';
import { provisionDataverse } from './provisionDataverse';
import { provisionFinanceOps } from './provisionFinanceOps';
import type { StepModule } from './stepContext';
import { verifySetup } from './verifySetup';

/** One module per step kind. */
export const STEP_MODULES: Record<StepKind, StepModule> = {
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
};
