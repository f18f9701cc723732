// The names of the step kinds, in catalog order. Only the names live here, so that `model.ts` (which
// platform and store import) can name a kind without importing the step modules; everything else about
// a kind is declared once, in its module under steps/, and `steps/index.ts` fails to compile unless its
// list of modules holds exactly these kinds.

export const STEP_KINDS = [
  'checkPrerequisites',
  'provisionFinanceOps',
  'provisionDataverse',
  'installDualWriteSolutions',
  'linkEnvironments',
  'applySolution',
  'enableEntityMaps',
  'createCompany',
  'addCompanyToConnection',
  'bootstrapCompanyData',
  'initialSync',
  'verifySetup',
] as const;

export type StepKind = (typeof STEP_KINDS)[number];
