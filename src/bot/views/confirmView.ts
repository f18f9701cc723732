import { type PlanPreview, stepTouches, tableName } from '../../engine/engineApi';
import type { ConfirmModel } from '../cards/cardModels';
import { SCENARIO_TEXT } from './scenarioView';
import { CONFLICT_WINNER } from './detailsView';
import { escapeMarkdown } from '../../engine/engineApi';

const FINDING_MARKS = { blocking: '⛔', warning: '⚠️', setup: '🛠️' } as const;

/** The confirmation card: the plan preview (dry run) with Start, Edit and Cancel. */
export function confirmCardData(preview: PlanPreview, notice = ''): ConfirmModel {
  return {
    notice: escapeMarkdown(notice),
    title: SCENARIO_TEXT[preview.scenario].title,
    facts: environmentFacts(
      preview.input as unknown as Record<string, unknown>,
      inputFacts(preview.input as unknown as Record<string, unknown>, preview.tableNames),
    ),
    steps: preview.steps.map((step, index) => ({
      number: index + 1,
      title: escapeMarkdown(step.title),
      detail: escapeMarkdown(
        [
          step.where,
          step.mode === 'manual' ? 'you do this step, I verify it' : 'automatic',
          step.needsApproval ? 'needs approval' : '',
          stepTouches(step, preview),
        ]
          .filter(Boolean)
          .join(' · '),
      ),
    })),
    findings: preview.findings.map((finding) => ({
      mark: FINDING_MARKS[finding.severity],
      message: escapeMarkdown(finding.message),
      advice: escapeMarkdown(finding.advice),
    })),
    canStart: preview.canStart,
    inputJson: JSON.stringify(preview.input),
    reviewToken: preview.reviewToken ?? '',
    ...orderChoice(preview),
  };
}

/** The bootstrap order choice, where the preview offers it (engine: bootstrapOrderChoice.ts). */
function orderChoice(
  preview: PlanPreview,
): Pick<ConfirmModel, 'orderOffered' | 'orderText' | 'bootstrapOrder'> {
  const choice = preview.bootstrapOrderChoice;
  if (!choice) return { orderOffered: false, orderText: '', bootstrapOrder: 'live' };
  return {
    orderOffered: true,
    orderText: `${choice.rows.toLocaleString('en-US')} Dataverse rows need the company. In this plan ${choice.order === 'bulk' ? 'only the Legal entities map runs while they are stamped; the maps of their tables bring them to Finance and Operations with an initial sync afterwards' : 'the maps run while they are stamped, so each row is a live write to Finance and Operations, within the live-sync limits (1,000 records and 2 minutes per transaction)'}. Choose an order and plan again to see its steps.`,
    bootstrapOrder: choice.order,
  };
}

const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);

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
  master: CONFLICT_WINNER,
};

export function inputFacts(
  input: Record<string, unknown>,
  tableNames?: Record<string, string>,
): Array<{ title: string; value: string }> {
  return (
    Object.entries(FACT_TITLES)
      .filter(
        ([key]) =>
          input[key] !== undefined && !(Array.isArray(input[key]) && (input[key] as unknown[]).length === 0),
      )
      // The conflict winner means something only with initial sync.
      .filter(([key]) => key !== 'master' || list(input.initialSyncEntities).length > 0)
      .map(([key, title]) => ({
        title,
        value: Array.isArray(input[key])
          ? (input[key] as unknown[])
              .map((item) => (key === 'bootstrapTables' ? tableName(String(item), tableNames) : item))
              .join(', ')
          : key === 'master'
            ? input[key] === 'financeOps'
              ? 'Finance and Operations'
              : 'Dataverse'
            : String(input[key]),
      }))
      // Every value was typed by someone: shown as typed, never as markdown.
      .map((fact) => ({ ...fact, value: escapeMarkdown(fact.value) }))
  );
}

type Fact = { title: string; value: string };

/**
 * Where the new F&O lives, and, for a unified environment with a new Dataverse, that it is one
 * environment: F&O and Dataverse in one, so the plan names it once and says the Dataverse side is the
 * unified environment itself (the setup's validation refuses a separate Dataverse name).
 */
export function environmentFacts(input: Record<string, unknown>, facts: Fact[]): Fact[] {
  if (input.scenario === 'existing-existing') return facts;
  if (input.financeOpsHome !== 'unified') {
    return [{ title: 'Finance and Operations in', value: 'Lifecycle Services' }, ...facts];
  }
  const home = {
    title: 'Finance and Operations in',
    value: 'Power Platform admin center (unified environment)',
  };
  const name = escapeMarkdown(String(input.financeOpsName));
  if (input.scenario !== 'new-new' && input.scenario !== 'new-demo-new') {
    // Installed into the existing Dataverse environment: the F&O name only names the setup.
    const installed = {
      title: 'Setup name',
      value: `${name} (F&O is installed into the Dataverse environment below)`,
    };
    return [home, ...facts.map((fact) => (fact.title === FACT_TITLES.financeOpsName ? installed : fact))];
  }
  return [
    home,
    ...facts.flatMap((fact): Fact[] =>
      fact.title === FACT_TITLES.financeOpsName
        ? [
            {
              title: 'New unified environment',
              value: `${name} (Finance and Operations and Dataverse in one)`,
            },
            { title: 'Dataverse environment', value: `the unified environment ${name} itself` },
          ]
        : fact.title === FACT_TITLES.dataverseName
          ? []
          : [fact],
    ),
  ];
}
