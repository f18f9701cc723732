import type { PlanPreview } from '../../engine/model';
import { SCENARIO_TEXT } from './scenarioView';

/** The confirmation card: the plan preview (dry run) with Start, Edit and Cancel. */
export function confirmCardData(
  preview: PlanPreview,
  requestKey: string,
  notice = '',
): Record<string, unknown> {
  return {
    notice,
    title: SCENARIO_TEXT[preview.scenario].title,
    facts: inputFacts(preview.input as unknown as Record<string, unknown>),
    steps: preview.steps.map((step, index) => ({
      number: index + 1,
      title: step.title,
      detail: [
        step.where,
        step.mode === 'manual' ? 'you do this step, I verify it' : 'automatic',
        step.needsApproval ? 'needs approval' : '',
      ]
        .filter(Boolean)
        .join(' · '),
    })),
    findings: preview.findings.map((finding) => ({
      mark: finding.severity === 'blocking' ? '⛔' : '⚠️',
      message: finding.message,
      advice: finding.advice,
    })),
    canStart: preview.canStart,
    inputJson: JSON.stringify(preview.input),
    requestKey,
  };
}

const FACT_TITLES: Record<string, string> = {
  financeOpsName: 'New F&O environment',
  financeOpsUrl: 'F&O environment',
  dataverseName: 'New Dataverse environment',
  dataverseUrl: 'Dataverse environment',
  companyCode: 'Company code',
  companyName: 'Company name',
  demoLegalEntities: 'Demo companies',
  legalEntities: 'Legal entities',
  bootstrapTables: 'Tables to bootstrap',
  initialSyncEntities: 'Initial sync',
  master: 'Master on conflicts',
};

export function inputFacts(input: Record<string, unknown>): Array<{ title: string; value: string }> {
  return Object.entries(FACT_TITLES)
    .filter(
      ([key]) =>
        input[key] !== undefined && !(Array.isArray(input[key]) && (input[key] as unknown[]).length === 0),
    )
    .map(([key, title]) => ({
      title,
      value: Array.isArray(input[key])
        ? (input[key] as unknown[]).join(', ')
        : key === 'master'
          ? input[key] === 'financeOps'
            ? 'Finance and Operations'
            : 'Dataverse'
          : String(input[key]),
    }));
}
