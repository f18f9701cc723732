import { renderCard, type CardModels, type CardName } from '../../src/bot/cards/renderCard';
import { ACTION_SCHEMAS, type Verb } from '../../src/bot/cardActions';
import { scenarioCardData } from '../../src/bot/views/scenarioView';
import { CONFLICT_WINNER, detailsCardData, missingQuestion } from '../../src/bot/views/detailsView';
import { confirmCardData, inputFacts } from '../../src/bot/views/confirmView';
import { runCardData } from '../../src/bot/views/runView';
import { approvalCardData } from '../../src/bot/views/approvalView';
import { manualCardData } from '../../src/bot/views/manualView';
import { completionCardData } from '../../src/bot/views/completionView';
import { recommendScenario } from '../../src/engine/scenarios/recommendScenario';
import { SCENARIO_IDS } from '../../src/engine/scenarios/scenarioInput';
import { planScenario } from '../../src/engine/scenarios/planScenario';
import { adaptiveCardProblems, executeActions } from '../support/adaptiveCardValidator';
import { awaitingApprovalRun, failedRun, sampleRun, samplePreview } from '../support/runFixtures';

const MAX_CARD_BYTES = 28 * 1024;

function manualRun() {
  const run = sampleRun({ status: 'waiting' });
  const step = run.steps[1];
  step.mode = 'manual';
  step.status = 'awaiting_manual';
  step.instructions =
    'In Lifecycle Services, open the environment, choose Link to Power Platform environment and pick contoso.';
  step.link = 'https://lcs.dynamics.com/V2';
  step.verification = {
    ok: false,
    message: 'No dual-write connection for contoso-fo-uat yet.',
    at: new Date().toISOString(),
  };
  return { run, step };
}

/** A card and a model of that card's type (the pairing renderCard checks). */
type Case = { [N in CardName]: [string, N, CardModels[N]] }[CardName];

function render<N extends CardName>([, name, data]: [string, N, CardModels[N]]) {
  return renderCard(name, data);
}

const cases: Case[] = [
  ['welcome', 'welcome', { mode: 'the embedded Dynamics 365 emulator (http://127.0.0.1:3979)' }],
  ['help', 'help', { notice: 'I did not understand "hello".' }],
  ['scenario', 'scenario', scenarioCardData()],
  [
    'scenario with recommendation',
    'scenario',
    scenarioCardData(
      recommendScenario({ financeOpsIsNew: true, financeOpsHasDemoData: false, dataverseIsNew: false }),
    ),
  ],
  ['chooser', 'chooser', { notice: '' }],
  ...SCENARIO_IDS.map((id): Case => [`details ${id}`, 'details', detailsCardData(id)]),
  [
    'details with errors',
    'details',
    detailsCardData(
      'new-existing',
      { financeOpsName: 'x', companyCode: 'TOOLONG' },
      {
        financeOpsName: 'An environment name has at least 3 characters.',
        companyCode: 'A company code is 1 to 4 letters or digits, e.g. DAT or USMF.',
      },
      'Some values need a second look.',
    ),
  ],
  [
    'confirm',
    'confirm',
    confirmCardData({ ...samplePreview(), reviewToken: '5b8f7f0e-9a51-4c44-8f3f-2d1f3c1c9e11' }),
  ],
  ['run running', 'run', runCardData(sampleRun(), '', true, Date.now())],
  ['run failed', 'run', runCardData(failedRun(), '', true, Date.now())],
  [
    'run failed, documented error',
    'run',
    runCardData(failedRun({ knownErrorId: 'guid-resolve' }), '', true, Date.now()),
  ],
  [
    'run failed, correlation id',
    'run',
    runCardData(failedRun({ correlationId: '6a1c0d52-3f4e-4b8a-9d1e-2f3a4b5c6d7e' }), '', true, Date.now()),
  ],
  ['approval pending', 'approval', approvalCardData(awaitingApprovalRun(), awaitingApprovalRun().steps[5])],
  ['approval decided', 'approval', approvalCardData(sampleRun(), sampleRun().steps[5])],
  ['manual', 'manual', manualCardData(manualRun().run, manualRun().step)],
  [
    'completion',
    'completion',
    completionCardData(
      sampleRun({ status: 'succeeded', finishedAt: new Date(Date.UTC(2026, 10, 25, 10, 5)).toISOString() }),
    ),
  ],
  [
    'message',
    'message',
    { title: 'Setup cancelled', text: 'Nothing was changed.', color: 'Default', facts: [] },
  ],
];

describe('cards render from cards/*.json', () => {
  it.each(cases)('%s: no leftover ${, valid Adaptive Card 1.5, under 28 KB', (...c) => {
    const card = render(c);
    const json = JSON.stringify(card);
    expect(json).not.toContain('${');
    expect(adaptiveCardProblems(card)).toEqual([]);
    expect(Buffer.byteLength(json)).toBeLessThan(MAX_CARD_BYTES);
  });

  it.each(cases)('%s: every Action.Execute carries data its verb accepts', (...c) => {
    for (const action of executeActions(render(c))) {
      expect(Object.keys(ACTION_SCHEMAS)).toContain(action.verb);
      const schema = ACTION_SCHEMAS[action.verb as Verb];
      // Inputs are merged into the data by Teams; the wizard verbs need them, run verbs must stand alone.
      if (
        action.verb.startsWith('run.') ||
        action.verb === 'setup.start' ||
        action.verb === 'setup.scenario'
      ) {
        expect(schema.safeParse(action.data).success).toBe(true);
      }
    }
  });

  it('the validator catches a broken card (the check can fail)', () => {
    expect(
      adaptiveCardProblems({
        type: 'AdaptiveCard',
        version: '1.5',
        body: [{ type: 'TextBlock', text: 'x', color: 'Purple' }],
      }),
    ).not.toEqual([]);
  });

  it('shows bootstrap progress and the approver on the run card', () => {
    const json = JSON.stringify(renderCard('run', runCardData(sampleRun(), '', true, Date.now())));
    expect(json).toContain('12,400 / 48,000 rows');
    const approval = JSON.stringify(
      renderCard('approval', approvalCardData(sampleRun(), sampleRun().steps[5])),
    );
    expect(approval).toContain('Approved by Priya Approver');
    expect(executeActions(JSON.parse(approval))).toEqual([]);
  });

  it('offers no decision on an approval past its expiry, before the run is marked expired', () => {
    const run = awaitingApprovalRun();
    const step = run.steps[5];
    const expiresMs = Date.parse(step.approval!.expiresAt);
    const card = (nowMs: number) =>
      renderCard('approval', approvalCardData(run, step, '', undefined, nowMs)) as Record<string, unknown>;
    expect(executeActions(card(expiresMs - 1)).map((a) => a.verb)).toContain('run.approve');
    expect(executeActions(card(expiresMs))).toEqual([]);
    expect(JSON.stringify(card(expiresMs))).toContain('without a decision');
  });

  it('says on the approval card that each stamp is a live write, and offers the bulk order when given', () => {
    const run = awaitingApprovalRun();
    const step = run.steps[5];
    const plain = JSON.stringify(renderCard('approval', approvalCardData(run, step)));
    expect(plain).not.toContain('live write');
    step.approval!.summary = {
      ...step.approval!.summary,
      liveWrites: 'each stamped row is a live write to Finance and Operations',
      volumeAdvice: 'run only the Legal entities map, bootstrap, then the other maps',
    };
    const told = JSON.stringify(renderCard('approval', approvalCardData(run, step)));
    expect(told).toContain('each stamped row is a live write to Finance and Operations');
    expect(told).toContain('run only the Legal entities map, bootstrap, then the other maps');
  });
});

describe('the confirmation card shows what the plan touches', () => {
  it('lists the prerequisite maps added for Customers V3, stage by stage, in dependency order', () => {
    const input = {
      scenario: 'new-existing',
      financeOpsApp: 'finance-and-operations',
      financeOpsName: 'contoso-fo',
      dataverseUrl: 'https://contoso.crm.dynamics.com',
      companyCode: 'CNTS',
      companyName: 'Contoso Ltd',
      bootstrapTables: ['accounts'],
      initialSyncEntities: ['Customers V3'],
      master: 'dataverse',
    } as const;
    const steps = planScenario(input as never, {
      deployFinanceOps: true,
      dualWriteGateway: true,
      linkDualWrite: true,
      createLegalEntity: true,
    });
    const card = renderCard(
      'confirm',
      confirmCardData({
        scenario: 'new-existing',
        input: input as never,
        steps,
        findings: [],
        canStart: true,
      }),
    );
    const detail = String(/in order: ([^·"]+)/.exec(JSON.stringify(card))?.[1]);
    const order = detail.split(/ → |, /).map((name) => name.trim());
    // Maps are named by table and name on the card.
    expect(order[order.length - 1]).toBe('accounts - Customers V3');
    expect(order.indexOf('msdyn_customergroups - Customer groups')).toBeGreaterThan(
      order.indexOf('msdyn_paymentterms - Terms of payment'),
    );
    expect(order.indexOf('accounts - Customers V3')).toBeGreaterThan(
      order.indexOf('msdyn_customergroups - Customer groups'),
    );
    expect(JSON.stringify(card)).toMatch(/prerequisite maps added: [^"]*Customer groups/);
    expect(JSON.stringify(card)).toContain('company CNTS on Accounts');
  });

  it("names tables as the environment's own table definitions do, the same on the facts and the steps", () => {
    const preview = { ...samplePreview(), tableNames: { accounts: 'Customers (Contoso)' } };
    const json = JSON.stringify(renderCard('confirm', confirmCardData(preview)));
    expect(json).toContain('company CNTS on Customers (Contoso)');
    expect(json).toContain('"title":"Tables to bootstrap","value":"Customers (Contoso), Contacts"');
    expect(json).not.toMatch(/on accounts|"value":"accounts"/);
  });
});

describe('the details card asks what applies, in words that fit', () => {
  const choiceSets = (card: unknown): Array<Record<string, unknown>> => {
    const found: Array<Record<string, unknown>> = [];
    const walk = (node: unknown) => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        const record = node as Record<string, unknown>;
        if (record.type === 'Input.ChoiceSet') found.push(record);
        Object.values(record).forEach(walk);
      }
    };
    walk(card);
    return found;
  };

  it.each(SCENARIO_IDS)('%s: short lists are expanded and wrapped; a dropdown has short titles', (id) => {
    const sets = choiceSets(
      renderCard('details', detailsCardData(id, { initialSyncEntities: 'Customers V3' })),
    );
    expect(sets.length).toBeGreaterThan(0);
    for (const set of sets) {
      const choices = set.choices as Array<{ title: string }>;
      if (choices.some((c) => c.title.length > 40)) expect(set.wrap).toBe(true);
      if (choices.length <= 6) expect(set.style).toBe('expanded');
      // A dropdown shows one line: Teams cuts a longer title ("…Human Resour…").
      else for (const choice of choices) expect(choice.title.length).toBeLessThanOrEqual(48);
    }
  });

  it('asks the conflict winner only once entities are chosen for initial sync', () => {
    const ids = (values: Record<string, unknown>) =>
      detailsCardData('new-existing', values).fields.map((f) => f.id);
    expect(ids({})).not.toContain('master');
    expect(ids({ initialSyncEntities: ['Customers V3'] })).toContain('master');
    expect(missingQuestion('new-existing', { initialSyncEntities: 'Customers V3' })).toBe('master');
    expect(
      missingQuestion('new-existing', { initialSyncEntities: 'Customers V3', master: 'dataverse' }),
    ).toBeUndefined();
    expect(missingQuestion('new-existing', { initialSyncEntities: '' })).toBeUndefined();
  });

  it('the plan names the conflict winner only with initial sync, with the same words as the question', () => {
    const facts = (input: Record<string, unknown>) => inputFacts(input).map((f) => f.title);
    expect(facts({ master: 'dataverse' })).not.toContain(CONFLICT_WINNER);
    expect(facts({ master: 'dataverse', initialSyncEntities: ['Customers V3'] })).toContain(CONFLICT_WINNER);
    const label = detailsCardData('new-existing', { initialSyncEntities: ['Customers V3'] }).fields.find(
      (f) => f.id === 'master',
    )?.label;
    expect(label).toContain(CONFLICT_WINNER);
  });
});
