import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/log';
import { startBot } from '../../src/index';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { EmulatorCredential } from '../../src/platform/http/credentials';
import type { Run, StepKind, StepState } from '../../src/engine/model';
import { getJson, type Harness } from '../support/botHarness';
import { LocalConnector, cardOf, noticeTextOf, type RecordedActivity } from '../support/localConnector';
import { reachConfirmation } from '../support/scenarioDriver';
import { TeamsClient, responseCard, textOf, user, type Conversation } from '../support/teamsClient';
import { catalogMaps } from '../engine/emulatorRig';

/**
 * Live mode where no public API exists: the bot runs with DYNAMICS_MODE=live against an emulator the
 * test starts, with the dual-write gateway switched off (DUALWRITE_GATEWAY_ENABLED=false), so it can
 * only read the dual-write state through F&O OData. `existing-existing` is driven through the cards
 * over real HTTP. Each manual card is first answered "Done, verify" too early (the card must say what
 * is missing and the run must not move), then the test does the step the way the admin would in the
 * F&O Dual-write screens (here through the emulator's gateway API directly, standing in for those
 * screens), and "Done, verify" again is verified. Bootstrap has a public API (Dataverse) and runs by
 * itself once a second person approves it.
 */
interface EmulatorState {
  financeOps: Array<{ name: string; url: string }>;
  dataverse: Array<{ org: string; url: string }>;
  connections: Array<{
    financeOps: string;
    legalEntities: string[];
    solutionApplied: boolean;
    maps: Array<{ name: string; state: string }>;
  }>;
  effects: { byKind: Record<string, number>; bySubject: Record<string, number> };
}

const TOKEN = { Authorization: 'Bearer emulator.admin-in-fo-screens' };
const requester = user('Alex Admin');
const approver = user('Priya Approver');

let emulator: RunningEmulator;
let h: Harness;

beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dwbot-live-'));
  emulator = await startEmulator({ port: 0, dataFile: path.join(dir, 'emulator.sqlite'), timeScale: 0.0002 });
  const config = loadConfig({
    PORT: '0',
    DATA_DIR: dir,
    LOG_LEVEL: 'silent',
    DYNAMICS_MODE: 'live',
    LIVE_WITHOUT_BOT_AUTH: 'true',
    LCS_API_URL: `${emulator.url}/lcs`,
    LCS_PROJECT_ID: '1',
    BAP_API_URL: `${emulator.url}/bap`,
    POWER_PLATFORM_API_URL: `${emulator.url}/powerplatform`,
    DUALWRITE_GATEWAY_ENABLED: 'false',
    ADMINS: requester.aadObjectId,
    APPROVERS: approver.aadObjectId,
  });
  const connector = await new LocalConnector().start();
  const bot = await startBot(config, {
    logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    queue: { updateIntervalMs: 50, baseDelayMs: 20 },
    engine: { pollIntervalMs: 25 },
    credential: new EmulatorCredential(),
    // Live mode refuses loopback URLs: the test emulator stands in for Microsoft's hosts.
    trustedOrigins: [emulator.url],
  });
  h = {
    bot,
    connector,
    client: new TeamsClient(bot.url, connector.url),
    dataDir: dir,
    async close() {
      await bot.close();
      await connector.stop();
    },
  };
});

afterAll(async () => {
  await h?.close();
  await emulator?.close();
});

// --- the admin in the F&O Dual-write screens (the emulator's gateway standing in for them) ---

// The gateway in the shapes of Microsoft's Dual-write-automations tool (docs/dynamics-apis.md); the
// link itself goes through the emulator's stand-in for F&O's link wizard (no public endpoint).
const gatewayRoot = () => `${emulator.url}/dualwrite`;
const gateway = () => `${gatewayRoot()}/api/DualWriteManagement/1.0`;
let linkedFinanceOpsUrl = '';

async function gatewayPost(url: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { ...TOKEN, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${url}: ${response.status} ${text}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

async function connectionId(): Promise<string> {
  const identifier = linkedFinanceOpsUrl.replace(/^https?:\/\//, '');
  const rows = await getJson<Array<{ cid: string }>>(
    `${gateway()}/Environments?targetType=AX&identifier=${encodeURIComponent(identifier)}`,
    TOKEN,
  );
  expect(rows).toHaveLength(1);
  return rows[0].cid;
}

interface GatewayMap {
  detail: {
    tName: string;
    pid: string | null;
    state: string;
    template: { id: string };
    lastRequest: { errorMessage: string | null } | null;
  };
}

async function maps(cid: string): Promise<GatewayMap[]> {
  return getJson<GatewayMap[]>(`${gateway()}/Entities?targetType=AX&cid=${cid}`, TOKEN);
}

async function linkAndApplySolutions(financeOpsUrl: string, dataverseUrl: string, legalEntities: string[]) {
  linkedFinanceOpsUrl = financeOpsUrl;
  await gatewayPost(`${gatewayRoot()}/emulator/link`, { financeOpsUrl, dataverseUrl, legalEntities });
  const cid = await connectionId();
  const solutions = await getJson<Array<{ uniquename: string }>>(
    `${gateway()}/SolutionAware/${cid}/Solutions`,
    TOKEN,
  );
  for (const { uniquename } of solutions) {
    await gatewayPost(`${gateway()}/SolutionAware/${cid}/RestoreTemplates`, {
      action: '2',
      solutions: [{ criteria: { uniquename } }],
    });
  }
}

async function runMap(name: string, initialSync: boolean): Promise<void> {
  const cid = await connectionId();
  const find = async () => (await maps(cid)).find((m) => m.detail.tName === name);
  let map = await find();
  if (!map?.detail.pid) {
    await gatewayPost(`${gateway()}/Start`, {
      action: '8',
      details: [{ tid: map?.detail.template.id, cid }],
    });
    map = await find();
  }
  // Run with initial sync, as Microsoft's Dual-write-automations tool does it [inferred from the
  // tool]: the map stopped, its project's tables refreshed, then started.
  if (initialSync) {
    await gatewayPost(`${gateway()}/Start`, {
      action: '4',
      details: [{ tid: map?.detail.template.id, pid: map?.detail.pid, cid }],
    });
    await waitForState(find, name, '1'); // Stopped
    const project = (await (
      await fetch(`${gateway()}/${map?.detail.pid}/FieldMappings`, { headers: TOKEN })
    ).json()) as { name: string };
    await gatewayPost(`${gatewayRoot()}/api/Project/${encodeURIComponent(project.name)}/Refresh`, {
      tokens: [''],
    });
  }
  await gatewayPost(`${gateway()}/Start`, {
    action: '1',
    details: [
      {
        tid: map?.detail.template.id,
        pid: map?.detail.pid,
        cid,
        parameters: { skipInitialSync: !initialSync, conflictResolution: { option: '1', master: 'CRM' } },
      },
    ],
  });
  // As in the screen: wait until the map shows Running (4) before running the next one.
  await waitForState(find, name, '4');
}

async function waitForState(
  find: () => Promise<GatewayMap | undefined>,
  name: string,
  state: string,
): Promise<void> {
  for (const deadline = Date.now() + 10_000; ;) {
    const current = await find();
    if (current?.detail.state === state) return;
    if (state === '4' && current?.detail.state === '6')
      throw new Error(`${name} did not start: ${current.detail.lastRequest?.errorMessage}`);
    if (Date.now() > deadline) throw new Error(`${name} still ${current?.detail.state}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

// --- reading the conversation ---

async function stepOf(runId: string, kind: StepKind): Promise<StepState> {
  const step = (await h.bot.engine.get(runId))?.steps.find((s) => s.kind === kind);
  if (!step) throw new Error(`run ${runId} has no ${kind} step`);
  return step;
}

function manualMessage(conversation: Conversation, stepId: string): RecordedActivity | undefined {
  return h.connector.inConversation(conversation.id).find((m) => {
    const card = cardOf(m.versions[0]);
    return (
      card !== undefined && textOf(card).includes('Manual step:') && textOf(card).includes(`"${stepId}"`)
    );
  });
}

/** Waits until the message's current card contains `text`; returns that card. */
async function cardShowing(message: RecordedActivity, text: string, what: string) {
  const last = () => textOf(cardOf(h.connector.messages.get(message.id)?.activity) ?? {}).slice(0, 1500);
  return h.connector
    .waitFor(
      () => {
        const card = cardOf(h.connector.messages.get(message.id)?.activity);
        return card && textOf(card).includes(text) ? card : undefined;
      },
      15_000,
      what,
    )
    .catch((error: Error) => {
      throw new Error(`${error.message}; the card shows ${last()}`);
    });
}

/** Statuses of the steps after `stepId`, to show that a failed verification moved nothing. */
function laterStatuses(run: Run, stepId: string): string[] {
  return run.steps.slice(run.steps.findIndex((s) => s.id === stepId) + 1).map((s) => s.status);
}

/**
 * One manual card: "Done, verify" too early shows the reason and leaves the run where it was; the
 * admin does the step; "Done, verify" again verifies it.
 */
async function manualStep(
  conversation: Conversation,
  runId: string,
  kind: StepKind,
  expected: { instructions: RegExp[]; reason: RegExp | null },
  perform: (step: StepState) => Promise<void>,
): Promise<void> {
  const stepId = (await stepOf(runId, kind)).id;
  const message = await h.connector.waitFor(
    () => manualMessage(conversation, stepId),
    15_000,
    `the manual card of ${kind}`,
  );
  const posted = cardOf(message.activity)!;
  for (const pattern of expected.instructions) expect(textOf(posted)).toMatch(pattern);
  expect(textOf(posted)).toContain('Action.OpenUrl');

  if (expected.reason === null) {
    // Already done by an earlier step's screen: the first "Done, verify" verifies it.
    await h.client.click(requester, conversation, posted, message.id, 'run.verify');
    await cardShowing(message, 'Verified:', `the ${kind} card verified at once`);
    expect((await stepOf(runId, kind)).status).toBe('succeeded');
    return;
  }
  const before = (await h.bot.engine.get(runId))!;
  expect((await stepOf(runId, kind)).status).toBe('awaiting_manual');
  expect(before.status).toBe('waiting');
  const answer = responseCard(
    await h.client.click(requester, conversation, posted, message.id, 'run.verify'),
  );
  expect(textOf(answer)).toContain('Checking through the APIs');

  const refused = await cardShowing(message, 'Not verified yet', `the reason on the ${kind} card`);
  expect(textOf(refused)).toMatch(expected.reason);
  // The shared copy offers "Done, verify" to nobody (ADMINS is set); the admin's own view does.
  expect(textOf(refused)).not.toContain('run.verify');
  expect(textOf(await h.client.personalCard(requester, conversation, refused, message.id))).toContain(
    'run.verify',
  );
  const after = (await h.bot.engine.get(runId))!;
  const step = await stepOf(runId, kind);
  expect(step.status).toBe('awaiting_manual');
  expect(step.verification?.ok).toBe(false);
  expect(after.status).toBe('waiting');
  expect(laterStatuses(after, stepId)).toEqual(laterStatuses(before, stepId));

  await perform(step);

  await h.client.click(requester, conversation, refused, message.id, 'run.verify');
  const verified = await cardShowing(message, 'Verified:', `the ${kind} card verified`).catch(
    async (error: Error) => {
      const last = await cardShowing(message, 'verif', 'any');
      throw new Error(`${error.message}: ${textOf(last).slice(0, 1500)}`);
    },
  );
  expect(textOf(verified)).not.toContain('run.verify');
  expect((await stepOf(runId, kind)).status).toBe('succeeded');
}

describe('live mode without the dual-write gateway: manual steps verified through F&O OData', () => {
  it('existing-existing through the cards: every manual step refused when early, verified when done', async () => {
    const s0 = await getJson<EmulatorState>(`${emulator.url}/_emulator/state`);
    const fo = s0.financeOps.find((e) => e.name === 'contoso-fo')!;
    const contoso = s0.dataverse.find((e) => e.org === 'contoso')!;
    const orphans = async (set: string) =>
      (
        await getJson<{ '@odata.count': number }>(
          `${contoso.url}/api/data/v9.2/${set}?$filter=_msdyn_company_value eq null&$count=true`,
          TOKEN,
        )
      )['@odata.count'];
    const orphansBefore = (await orphans('accounts')) + (await orphans('contacts'));
    expect(orphansBefore).toBeGreaterThan(0);

    const { conversation, cardId, confirm } = await reachConfirmation(h, {
      scenario: 'existing-existing',
      inputs: {
        financeOpsUrl: fo.url,
        dataverseUrl: contoso.url,
        legalEntities: 'USMF',
        companyCode: 'USMF',
        bootstrapTables: 'accounts,contacts',
        initialSyncEntities: 'Customers V3',
        master: 'dataverse',
      },
      requester,
    });
    const started = responseCard(
      await h.client.click(requester, conversation, confirm, cardId, 'setup.start'),
    );
    const runId = String(/"runId":"([0-9a-f-]{36})"/.exec(textOf(started))?.[1] ?? '');
    expect(runId).not.toBe('');
    const modes = Object.fromEntries((await h.bot.engine.get(runId))!.steps.map((s) => [s.kind, s.mode]));
    expect(modes).toMatchObject({
      checkPrerequisites: 'automatic',
      installDualWriteSolutions: 'automatic',
      linkEnvironments: 'manual',
      applySolution: 'manual',
      enableEntityMaps: 'manual',
      bootstrapCompanyData: 'automatic',
      initialSync: 'manual',
      verifySetup: 'automatic',
    });

    let mapStarts = 0;
    await manualStep(
      conversation,
      runId,
      'linkEnvironments',
      {
        instructions: [/Link to Dataverse environment/, new RegExp(contoso.url), /legal entities USMF/],
        reason: /no dual-write link to .*contoso yet/,
      },
      async () => {
        // The link wizard applies the chosen dual-write solutions too: F&O shows a link only through
        // its published maps (docs/dynamics-apis.md).
        await linkAndApplySolutions(fo.url, contoso.url, ['USMF']);
      },
    );
    await manualStep(
      conversation,
      runId,
      'applySolution',
      { instructions: [/Apply solution/, /msdyn_DualWriteAppCoreMaps/], reason: null },
      async () => undefined,
    );
    await manualStep(
      conversation,
      runId,
      'enableEntityMaps',
      {
        instructions: [/in this order/, /Legal entities, /, /Initial sync\*\* cleared/],
        reason: /maps are not running yet: cdm_companies - Legal entities \(Not running\)/,
      },
      async (step) => {
        for (const name of step.params.maps as string[]) {
          await runMap(name, false);
          mapStarts += 1;
        }
      },
    );

    // Bootstrap has a public API: it waits for a second person's approval, then runs by itself.
    const approval = await h.connector.waitFor(
      () =>
        h.connector.inConversation(conversation.id).find((m) => {
          const card = cardOf(m.activity);
          // The shared copy has no buttons; the approver gets hers through refresh (click below).
          return card && textOf(card).includes('Approval needed') && textOf(card).includes('run.view');
        }),
      15_000,
      'the bootstrap approval card',
    );
    const approved = await h.client.click(
      approver,
      conversation,
      cardOf(approval.activity)!,
      approval.id,
      'run.approve',
    );
    expect(textOf(responseCard(approved))).toContain('Approved by');

    await manualStep(
      conversation,
      runId,
      'initialSync',
      {
        instructions: [/Initial sync/, /master to Dataverse/, /Customers V3/, /legal entities USMF/],
        reason: /not synced and running yet: .*accounts - Customers V3 \(Not running\)/,
      },
      async (step) => {
        for (const name of step.params.maps as string[]) {
          await runMap(name, true);
          mapStarts += 1;
        }
        for (const name of step.params.enableAfter as string[]) {
          await runMap(name, false);
          mapStarts += 1;
        }
      },
    );
    expect((await stepOf(runId, 'bootstrapCompanyData')).status).toBe('succeeded');

    const notice = await h.connector.waitFor(
      () =>
        h.connector
          .inConversation(conversation.id)
          .find((m) => noticeTextOf(m.activity).includes(`<at>${requester.name}</at>`)),
      20_000,
      'the completion notice',
    );
    expect(noticeTextOf(notice.activity)).toContain('completed');
    expect(textOf(cardOf(notice.activity)!)).toContain(`"Rows stamped","value":"${orphansBefore}"`);
    expect((await h.bot.engine.get(runId))?.status).toBe('succeeded');

    // The emulator's end state, and no dual-write write but the admin's own.
    const s = await getJson<EmulatorState>(`${emulator.url}/_emulator/state`);
    const connection = s.connections.find((c) => c.financeOps === 'contoso-fo')!;
    expect(connection.legalEntities).toEqual(['USMF']);
    expect(connection.solutionApplied).toBe(true);
    expect(connection.maps.length).toBeGreaterThan(0);
    expect(catalogMaps(connection.maps).filter((m) => m.state !== 'Running')).toEqual([]);
    expect(s.effects.byKind['gw.connection.create']).toBe(1);
    // Each dual-write solution applied once (one RestoreTemplates request per solution).
    const applied = Object.entries(s.effects.bySubject).filter(([subject]) =>
      subject.startsWith('gw.solution.apply '),
    );
    expect(applied.map(([subject]) => subject)).toContain(
      `gw.solution.apply ${await connectionId()}/msdyn_DualWriteAppCoreMaps`,
    );
    expect(applied.every(([, count]) => count === 1)).toBe(true);
    expect(s.effects.byKind['gw.map.start']).toBe(mapStarts);
    expect((await orphans('accounts')) + (await orphans('contacts'))).toBe(0);
  });
});
