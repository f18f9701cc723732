import type { PlanPreview, Run, StepError, StepState } from '../../src/engine/model';

/** Realistic runs and previews for rendering tests (shapes of src/engine/model.ts). */
const at = (minutes: number) => new Date(Date.UTC(2026, 10, 25, 9, minutes)).toISOString();

function step(
  id: string,
  partial: Partial<StepState> & Pick<StepState, 'kind' | 'title' | 'where'>,
): StepState {
  return {
    id,
    mode: 'automatic',
    needsApproval: false,
    skippable: false,
    params: {},
    status: 'pending',
    attempts: 0,
    ...partial,
  };
}

export function sampleRun(overrides: Partial<Run> = {}): Run {
  const steps: StepState[] = [
    step('s01-provision-fo', {
      kind: 'provisionFinanceOps',
      title: 'Deploy the Finance and Operations environment contoso-fo-uat',
      where: 'Lifecycle Services',
      status: 'succeeded',
      attempts: 1,
      startedAt: at(0),
      finishedAt: at(12),
    }),
    step('s02-link', {
      kind: 'linkEnvironments',
      title: 'Link contoso-fo-uat with https://contoso.crm.dynamics.com for company DAT',
      where: 'Lifecycle Services',
      status: 'succeeded',
      attempts: 1,
    }),
    step('s03-maps', {
      kind: 'enableEntityMaps',
      title: 'Turn on 21 entity maps for live sync',
      where: 'Finance and Operations',
      status: 'succeeded',
      attempts: 1,
      output: { mapsRunning: ['Legal entities', 'Currencies', 'Customers V3', 'CDS Contacts V2'] },
    }),
    step('s04-company', {
      kind: 'createCompany',
      title: 'Create company CNTS (Contoso Ltd) in Finance and Operations',
      where: 'Finance and Operations',
      status: 'succeeded',
      attempts: 1,
    }),
    step('s05-add-company', {
      kind: 'addCompanyToConnection',
      title: 'Add CNTS to the dual-write connection',
      where: 'Finance and Operations',
      status: 'succeeded',
      attempts: 1,
    }),
    step('s06-bootstrap', {
      kind: 'bootstrapCompanyData',
      title: 'Stamp existing Dataverse rows with company CNTS (bootstrap)',
      where: 'Dataverse',
      needsApproval: true,
      status: 'running',
      attempts: 1,
      params: { companyCode: 'CNTS', tables: ['accounts', 'contacts'] },
      progress: { done: 12400, total: 48000, unit: 'rows' },
      approval: {
        requestedAt: at(20),
        expiresAt: at(20 + 24 * 60),
        summary: { companyCode: 'CNTS', rowsPerTable: { accounts: 36000, contacts: 12000 } },
        decision: { approved: true, by: { id: 'aad-approver', name: 'Priya Approver' }, at: at(25) },
      },
    }),
    step('s07-initial-sync', {
      kind: 'initialSync',
      title: 'Initial sync of Customers V3 and its 7 prerequisite maps',
      where: 'Finance and Operations',
      skippable: true,
    }),
  ];
  return {
    id: '3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b',
    scenario: 'new-existing',
    input: {
      scenario: 'new-existing',
      financeOpsApp: 'finance-and-operations',
      financeOpsName: 'contoso-fo-uat',
      dataverseUrl: 'https://contoso.crm.dynamics.com',
      companyCode: 'CNTS',
      companyName: 'Contoso Ltd',
      bootstrapTables: ['accounts', 'contacts'],
      initialSyncEntities: ['Customers V3'],
      master: 'dataverse',
    } as Run['input'],
    status: 'running',
    rev: 17,
    requestedBy: { id: 'aad-requester', name: 'Alex Admin' },
    lockKey: 'contoso-fo-uat|https://contoso.crm.dynamics.com',
    createdAt: at(0),
    updatedAt: at(30),
    steps,
    ...overrides,
  };
}

/** `error`: what the engine adds to the step's error (its catalogue id, the call's correlation id). */
export function failedRun(error: Partial<StepError> = {}): Run {
  const run = sampleRun({ status: 'failed' });
  const last = run.steps[6];
  last.status = 'failed';
  last.attempts = 3;
  last.error = {
    code: 'DW_LOOKUP_NOT_FOUND',
    message:
      "Couldn't resolve the guid for the field msdyn_customergroupid.msdyn_groupid: lookup was not found",
    ...error,
  };
  run.steps[5].status = 'succeeded';
  run.steps[5].output = { rowsStamped: 48000 };
  return run;
}

export function awaitingApprovalRun(): Run {
  const run = sampleRun({ status: 'waiting' });
  const bootstrap = run.steps[5];
  bootstrap.status = 'awaiting_approval';
  bootstrap.progress = undefined;
  delete bootstrap.approval!.decision;
  return run;
}

export function samplePreview(): PlanPreview {
  const run = sampleRun();
  return {
    scenario: run.scenario,
    input: run.input,
    steps: run.steps.map(({ id, kind, title, where, mode, needsApproval, skippable, params }) => ({
      id,
      kind,
      title,
      where,
      mode,
      needsApproval,
      skippable,
      params,
    })),
    findings: [
      {
        code: 'SINGLE_THREADED_VOLUME',
        severity: 'warning',
        message: 'Customers V3 is single-threaded from Dataverse and accounts has about 85,000 rows.',
        advice: 'Above 70,000 rows, migrate outside initial sync and skip initial sync for this map.',
      },
    ],
    canStart: true,
  };
}
