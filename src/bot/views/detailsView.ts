import type { ZodIssue } from 'zod';
import type { DetailsModel } from '../cards/cardModels';
import { DEMO_COMPANIES, ENTITY_MAP_CHOICES, tableName, type ScenarioId } from '../../engine/engineApi';
import { FREEZE_LINE, SCENARIO_TEXT } from './scenarioView';
import { escapeMarkdown } from '../../engine/engineApi';

// The details card: only the inputs the chosen scenario needs, the admin's values kept, and the
// validation message at the field it belongs to. A question that only applies after another answer
// (the conflict winner, once entities are chosen for initial sync) is asked only then. Choices with
// few options are shown expanded (radio buttons or checkboxes, wrapped), so no title is cut off.

type FieldId =
  | 'financeOpsApp'
  | 'financeOpsHome'
  | 'erpTemplate'
  | 'financeOpsName'
  | 'financeOpsUrl'
  | 'dataverseName'
  | 'dataverseUrl'
  | 'companyCode'
  | 'companyName'
  | 'demoLegalEntities'
  | 'legalEntities'
  | 'bootstrapTables'
  | 'initialSyncEntities'
  | 'master';

interface FieldSpec {
  kind: 'text' | 'choice';
  label: string;
  placeholder?: string;
  hint?: string;
  /** Multi-select choice, or a comma-separated text list. */
  list?: boolean;
  choices?: Array<{ title: string; value: string }>;
  defaultValue?: string;
}

/** A choice title longer than this may not fit one line of a card: its choice set wraps. */
const LONG_TITLE = 40;

/** One name for the initial sync's master on every card and the plan. */
export const CONFLICT_WINNER = 'Conflict winner in initial sync';

const FIELDS: Record<FieldId, FieldSpec> = {
  financeOpsApp: {
    kind: 'choice',
    label: 'Which app runs on the Finance and Operations side?',
    choices: [
      {
        title: 'Finance and Operations apps (Finance, Supply Chain, Commerce, Human Resources)',
        value: 'finance-and-operations',
      },
      { title: 'The standalone Human Resources app', value: 'human-resources-standalone' },
    ],
    defaultValue: 'finance-and-operations',
  },
  financeOpsHome: {
    kind: 'choice',
    label: 'Where does the new Finance and Operations environment live?',
    choices: [
      { title: 'Power Platform admin center (unified environment)', value: 'unified' },
      { title: 'Lifecycle Services (existing LCS project, or Commerce)', value: 'lcs' },
    ],
    // A new customer can't get a new F&O project in LCS any more (lcs-project-creation-freeze.md):
    // the unified environment is preselected; LCS stays one click away for existing projects.
    defaultValue: 'unified',
    hint: `${FREEZE_LINE} So the unified environment is preselected; choose Lifecycle Services for an existing LCS project or for Commerce.`,
  },
  erpTemplate: {
    kind: 'choice',
    label: 'Template of the unified environment (your licence decides which you may use)',
    choices: [
      { title: 'Finance (D365_FinOps_Finance)', value: 'D365_FinOps_Finance' },
      { title: 'Supply Chain Management (D365_FinOps_SCM)', value: 'D365_FinOps_SCM' },
      { title: 'Project Operations (D365_FinOps_ProjOps)', value: 'D365_FinOps_ProjOps' },
    ],
    defaultValue: 'D365_FinOps_Finance',
    hint: 'Only for a unified environment.',
  },
  financeOpsName: {
    kind: 'text',
    label: 'Name for the new Finance and Operations environment',
    placeholder: 'contoso-fo-uat',
    hint: 'Unified environment: the one environment that holds F&O and Dataverse (at most 20 characters). Lifecycle Services: the new F&O environment.',
  },
  financeOpsUrl: {
    kind: 'text',
    label: 'URL of your Finance and Operations environment',
    placeholder: 'https://contoso.operations.dynamics.com',
  },
  dataverseName: {
    kind: 'text',
    label: 'Name for the new Dataverse environment',
    placeholder: 'contoso-sales',
  },
  dataverseUrl: {
    kind: 'text',
    label: 'URL of your existing Dataverse environment',
    placeholder: 'https://contoso.crm.dynamics.com',
  },
  companyCode: {
    kind: 'text',
    label: 'Company code (the F&O legal entity id: 1 to 4 letters or digits)',
    placeholder: 'CNTS',
    hint: 'Your existing Dataverse rows are stamped with this company. The stamp cannot be changed afterwards.',
  },
  companyName: { kind: 'text', label: 'Company name', placeholder: 'Contoso Ltd' },
  demoLegalEntities: {
    kind: 'choice',
    list: true,
    label: 'Demo companies to add to the connection',
    choices: DEMO_COMPANIES.map((c) => ({ title: `${c.code} · ${c.name}`, value: c.code })),
    defaultValue: 'USMF',
  },
  legalEntities: {
    kind: 'text',
    list: true,
    label: 'Legal entities to link (comma-separated codes)',
    placeholder: 'USMF, DEMF',
    hint: 'Up to 250 on one link; an initial sync takes at most 40 of them.',
  },
  bootstrapTables: {
    kind: 'choice',
    list: true,
    label: 'Dataverse tables whose company-less rows get the company (bootstrap)',
    // The tables' display names (the plan shows the chosen environment's own, the same by default).
    choices: ['accounts', 'contacts', 'msdyn_vendors'].map((set) => ({ title: tableName(set), value: set })),
    defaultValue: 'accounts,contacts',
  },
  initialSyncEntities: {
    kind: 'choice',
    list: true,
    label: 'Entities to copy with initial sync',
    // The entity map's own name fits a dropdown line; the plan shows the tables each one fills.
    choices: [...ENTITY_MAP_CHOICES],
    hint: 'Their prerequisite maps are added for you; the plan shows them in order, with their Dataverse tables.',
  },
  master: {
    kind: 'choice',
    label: `${CONFLICT_WINNER}: which side's row is kept when the same row is on both sides?`,
    choices: [
      { title: 'Dataverse', value: 'dataverse' },
      { title: 'Finance and Operations', value: 'financeOps' },
    ],
    defaultValue: 'dataverse',
  },
};

const SCENARIO_FIELDS: Record<ScenarioId, FieldId[]> = {
  'new-new': ['financeOpsApp', 'financeOpsHome', 'erpTemplate', 'financeOpsName', 'dataverseName'],
  'new-existing': [
    'financeOpsApp',
    'financeOpsHome',
    'financeOpsName',
    'dataverseUrl',
    'companyCode',
    'companyName',
    'bootstrapTables',
    'initialSyncEntities',
    'master',
  ],
  'new-demo-new': [
    'financeOpsApp',
    'financeOpsHome',
    'erpTemplate',
    'financeOpsName',
    'dataverseName',
    'demoLegalEntities',
    'initialSyncEntities',
  ],
  'new-demo-existing': [
    'financeOpsApp',
    'financeOpsHome',
    'financeOpsName',
    'dataverseUrl',
    'demoLegalEntities',
    'companyCode',
    'companyName',
    'bootstrapTables',
    'initialSyncEntities',
    'master',
  ],
  'existing-existing': [
    'financeOpsApp',
    'financeOpsUrl',
    'dataverseUrl',
    'dataverseName',
    'legalEntities',
    'companyCode',
    'bootstrapTables',
    'initialSyncEntities',
    'master',
  ],
};

/** Which choice of "where does the new F&O live" a field applies to, when it is not both. */
const NEW_FINANCE_OPS_HINTS: Partial<Record<ScenarioId, Partial<Record<FieldId, string>>>> = {
  'new-new': {
    dataverseName:
      'Lifecycle Services only: leave it empty for a unified environment, which is its own Dataverse environment.',
  },
  'new-demo-new': {
    dataverseName:
      'Lifecycle Services only: leave it empty for a unified environment, which is its own Dataverse environment.',
  },
  'new-existing': {
    financeOpsName:
      'Lifecycle Services: the new F&O environment. Unified environment: F&O is installed into your existing Dataverse environment below; this name only names the setup.',
  },
  'new-demo-existing': {
    financeOpsName:
      'Lifecycle Services: the new F&O environment. Unified environment: F&O is installed into your existing Dataverse environment below; this name only names the setup.',
  },
};

/** Fields that only one choice needs: required by the setup's validation, not by the card. */
const CONDITIONAL: Partial<Record<ScenarioId, FieldId[]>> = {
  'new-new': ['dataverseName'],
  'new-demo-new': ['dataverseName'],
  'existing-existing': ['dataverseUrl', 'dataverseName', 'companyCode'],
};

const EXISTING_EXISTING_HINTS: Partial<Record<FieldId, string>> = {
  dataverseUrl:
    'Give the URL of an existing Dataverse environment, or leave it empty and name a new one below.',
  companyCode:
    'Leave empty when Dataverse has no data to bootstrap. Must be one of the linked legal entities.',
};

/** Turns the card's submitted values (strings; multi-selects comma-joined) into the raw setup input. */
export function formToInput(scenario: ScenarioId, form: Record<string, unknown>): Record<string, unknown> {
  const input: Record<string, unknown> = { scenario };
  for (const id of SCENARIO_FIELDS[scenario]) {
    const raw = form[id];
    if (raw === undefined || raw === null) continue;
    if (Array.isArray(raw)) {
      input[id] = raw.map(String);
      continue;
    }
    const text = String(raw).trim();
    if (text === '') continue;
    // Multi-selects come back comma-joined (values may hold spaces: "Customers V3"); typed lists
    // may also be separated by semicolons or spaces.
    const separator = FIELDS[id].kind === 'choice' ? /,/ : /[,;\s]+/;
    input[id] = FIELDS[id].list
      ? text
          .split(separator)
          .map((part) => part.trim())
          .filter(Boolean)
      : text;
  }
  return input;
}

/** Messages per field from zod issues (the first one per field wins). */
export function fieldErrors(
  issues: ReadonlyArray<Pick<ZodIssue, 'path' | 'message'>>,
): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of issues) {
    const field = String(issue.path[0] ?? '');
    if (field && !errors[field]) errors[field] = issue.message;
  }
  return errors;
}

/** The questions shown now: the conflict winner only once entities are chosen for initial sync. */
function shownFields(scenario: ScenarioId, values: Record<string, unknown>, errors: Record<string, string>) {
  const chosen = values.initialSyncEntities;
  const syncing = Array.isArray(chosen) ? chosen.length > 0 : typeof chosen === 'string' && chosen !== '';
  return SCENARIO_FIELDS[scenario].filter((id) => id !== 'master' || syncing || Boolean(errors.master));
}

/**
 * The question the review must still ask: the conflict winner when entities were chosen for initial
 * sync but the card did not show it yet. Undefined when nothing is missing.
 */
export function missingQuestion(scenario: ScenarioId, form: Record<string, unknown>): FieldId | undefined {
  if (!SCENARIO_FIELDS[scenario].includes('master')) return undefined;
  const input = formToInput(scenario, form);
  const chosen = input.initialSyncEntities;
  return Array.isArray(chosen) && chosen.length > 0 && input.master === undefined ? 'master' : undefined;
}

function hintOf(scenario: ScenarioId, id: FieldId): string {
  const own =
    scenario === 'existing-existing' ? EXISTING_EXISTING_HINTS[id] : NEW_FINANCE_OPS_HINTS[scenario]?.[id];
  return own ?? FIELDS[id].hint ?? '';
}

export function detailsCardData(
  scenario: ScenarioId,
  values: Record<string, unknown> = {},
  errors: Record<string, string> = {},
  notice = '',
): DetailsModel {
  return {
    // Validation messages may quote what was typed.
    notice: escapeMarkdown(notice),
    scenario,
    title: SCENARIO_TEXT[scenario].title,
    summary: 'Fill in what this setup needs. Nothing changes until you review the plan and press Start.',
    fields: shownFields(scenario, values, errors).map((id) => {
      const spec = FIELDS[id];
      const value = values[id];
      const text = Array.isArray(value) ? value.join(spec.kind === 'choice' ? ',' : ', ') : value;
      const required = !(CONDITIONAL[scenario] ?? []).includes(id);
      return {
        id,
        kind: spec.kind,
        label: spec.label,
        placeholder: spec.placeholder ?? '',
        hint: hintOf(scenario, id),
        value: text === undefined || text === null ? (spec.defaultValue ?? '') : String(text),
        required: required && id !== 'initialSyncEntities',
        multi: Boolean(spec.list),
        // Radio buttons or checkboxes show every title whole (wrapped); a long list stays a dropdown.
        style: (spec.choices?.length ?? 0) <= 6 ? 'expanded' : 'compact',
        wrap: (spec.choices ?? []).some((choice) => choice.title.length > LONG_TITLE),
        choices: spec.choices ?? [],
        error: errors[id] ?? '',
      };
    }),
  };
}
