import { randomUUID } from 'node:crypto';
import type { CallerCounts } from '../../src/emulator/entra/callerLog';
import type { Run, StepState } from '../../src/engine/model';
import type { StepKind } from '../../src/engine/stepKinds';
import { executeActions } from '../support/adaptiveCardValidator';
import { SIGNED_BOT_ID, signedBotEnv } from '../support/botConnectorAuth';
import { findCard, getJson, startHarness, type Harness } from '../support/botHarness';
import { eventually } from '../support/eventually';
import { cardOf, noticeTextOf } from '../support/localConnector';
import { reachConfirmation } from '../support/scenarioDriver';
import { responseCard, textOf, user, type Conversation, type TeamsUser } from '../support/teamsClient';
import { emulatorControl, teamsSsoToken } from './support/emulatorControl';

/**
 * A whole AZURE_AUTH=obo run through the bot, with real Bot Framework authentication (BOT_ID set,
 * BOT_FRAMEWORK_AUTH=emulator: every activity signed by the emulator's Bot Connector, every reply sent
 * with the bot's own token from the emulator's Entra) and the emulator's gateway and LCS taking user
 * tokens only; the bot's own platform never calls either. Admin X starts an existing-existing setup
 * through the cards: each step before linking that reads LCS or the gateway waits for X, who asked,
 * and runs as X; the link waits for "Continue as me" and X's click (Teams' SSO token for X, exchanged
 * through the OAuth connection, then traded on-behalf-of) links as X; Y's click on the next gateway
 * step is refused with the reason; Entra's interaction_required for X puts the step back to waiting
 * with the reason on the run card; once it is lifted, X continues each step that waits for them and
 * the run completes, the emulator having seen X's token, never the app's, on every LCS and gateway
 * call (README, "With `AZURE_AUTH=obo`"; Learn
 * https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/universal-actions-for-adaptive-cards/sso-adaptive-cards-universal-action,
 * https://learn.microsoft.com/entra/identity-platform/v2-oauth2-on-behalf-of-flow).
 */
const X = user('Xavier Admin');
const Y = user('Yasmin Admin');
const P = user('Priya Approver');

interface EmulatorState {
  financeOps: Array<{ name: string; url: string }>;
  dataverse: Array<{ org: string; url: string }>;
  connections: Array<{ linkedBy?: string; maps: Array<{ state: string }> }>;
  callers: Record<'lcs' | 'gateway', CallerCounts>;
}

describe('AZURE_AUTH=obo through the bot, signed end to end', () => {
  let h: Harness;

  const control = (method: string, route: string, body: unknown) => emulatorControl(h, method, route, body);
  /** The token Teams' client hands over for `who` (audience: the bot's SSO resource). */
  const ssoToken = (who: TeamsUser) => teamsSsoToken(h, who, `api://botid-${SIGNED_BOT_ID}`);

  beforeAll(async () => {
    h = await startHarness({
      ...signedBotEnv([X.aadObjectId, Y.aadObjectId], [P.aadObjectId]),
      AZURE_AUTH: 'obo',
    });
    await control('PUT', 'settings', { identity: { delegatedOnly: true } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('waits for X before linking, links as X, refuses Y, asks X to sign in again, and completes as X', async () => {
    const state = await getJson<EmulatorState>(`${h.bot.emulatorUrl}/_emulator/state`);
    const reached = await reachConfirmation(h, {
      scenario: 'existing-existing',
      requester: X,
      inputs: {
        financeOpsUrl: state.financeOps.find((e) => e.name === 'contoso-fo')!.url,
        dataverseUrl: state.dataverse.find((e) => e.org === 'contoso')!.url,
        legalEntities: 'USMF',
        companyCode: 'USMF',
        bootstrapTables: 'accounts',
        initialSyncEntities: 'Customers V3',
        master: 'dataverse',
      },
    });
    const { conversation, cardId } = reached;
    const started = responseCard(
      await h.client.click(X, conversation, reached.confirm, cardId, 'setup.start'),
    );
    const runId = String(/"runId":"([0-9a-f-]{36})"/.exec(textOf(started))?.[1]);
    const flow = new RunFlow(h, conversation, cardId, runId, { admin: X, approver: P, sso: ssoToken });

    // Before linking, every step that reads LCS or the gateway waits for X, who asked, and runs as X
    // (the prerequisites read F&O's version from LCS); P approves what they are asked meanwhile.
    const { found: link, continued: beforeLink } = await flow.drive((run) =>
      run.steps.find((s) => waitsForAdmin(s) && s.kind === 'linkEnvironments'),
    );
    expect(beforeLink.map((s) => s.kind)).toContain('checkPrerequisites');
    beforeLink.forEach((s) => expect(s.actAs?.admin).toEqual({ id: X.aadObjectId, name: X.name }));

    // Linking waits for any admin; X's click without an SSO token gets Teams' login request.
    expect(link.actAs?.admin).toBeUndefined();
    expect((await flow.click(X, link)).body).toMatchObject({
      statusCode: 401,
      type: 'application/vnd.microsoft.activity.loginRequest',
      value: { tokenExchangeResource: { uri: `api://botid-${SIGNED_BOT_ID}` } },
    });
    expect(textOf(responseCard(await flow.click(X, link, await ssoToken(X))))).toContain(
      'Continuing with your rights.',
    );

    // The next gateway step waits for X alone: Y's click is refused with the reason, nothing moves.
    const { found: next } = await flow.drive((run) =>
      run.steps.find((s) => waitsForAdmin(s) && s.kind !== 'linkEnvironments'),
    );
    expect(next.actAs?.admin).toEqual({ id: X.aadObjectId, name: X.name });
    const refused = textOf(responseCard(await flow.click(Y, next, await ssoToken(Y), X)));
    expect(refused).toContain('Only Xavier Admin, who linked, can act for this step');
    expect(await flow.step(next.id)).toMatchObject({ status: 'awaiting_manual' });

    // Entra asks X for multi-factor authentication: the step waits for X again, the reason on the card.
    await control('PUT', 'settings', {
      identity: { interactionRequired: { oid: X.aadObjectId, code: 50076 } },
    });
    await flow.click(X, next, await ssoToken(X));
    const { found: again } = await flow.drive((run) =>
      run.steps.find((s) => waitsForAdmin(s) && s.id === next.id && s.actAs?.reason !== undefined),
    );
    expect(again.actAs?.reason).toContain('AADSTS50076');
    const forX = await flow.runCardFor(X);
    expect(forX).toContain('Microsoft Entra asks for a new sign-in');
    expect(forX).toContain('AADSTS50076');
    expect(forX).toContain('"verb":"run.continueAsMe"');

    // Lifted: X continues this and every later step that waits for them; P approves; the run completes.
    await control('PUT', 'settings', { identity: { interactionRequired: null } });
    const { found: notice, continued: afterLink } = await flow.drive(async () => {
      const messages = h.connector.inConversation(conversation.id);
      const done = messages.find((m) => noticeTextOf(m.activity).includes(`<at>${X.name}</at>`));
      return done && noticeTextOf(done.activity);
    });
    expect(notice).toContain(`<at>${X.name}</at>`);
    expect(afterLink.map((s) => s.id)).toContain(next.id);
    afterLink.forEach((s) => expect(s.actAs?.admin).toEqual({ id: X.aadObjectId, name: X.name }));

    const run = (await h.bot.engine.get(runId)) as Run;
    expect(run.status).toBe('succeeded');
    expect(run.actingAdmin).toEqual({ id: X.aadObjectId, name: X.name });
    // Every step that waited for "Continue as me" ran (or was checked) with X's rights, and so did
    // every step that calls LCS or the gateway.
    const asX = { id: X.aadObjectId, name: X.name };
    for (const waited of [...beforeLink, link, ...afterLink])
      expect(run.steps.find((s) => s.id === waited.id)?.actedAs).toEqual(asX);
    const planned = run.steps.map((s) => s.kind);
    for (const kind of ADMIN_STEPS.filter((k) => planned.includes(k)))
      expect({ kind, actedAs: run.steps.find((s) => s.kind === kind)?.actedAs }).toEqual({
        kind,
        actedAs: asX,
      });
    expect(planned).toEqual(expect.arrayContaining(['linkEnvironments', 'applySolution', 'initialSync']));

    // The emulator's gateway saw X's token link, so only X may change the maps; they run.
    const after = await getJson<EmulatorState>(`${h.bot.emulatorUrl}/_emulator/state`);
    expect(after.connections[0].linkedBy).toBe(X.aadObjectId);
    expect(after.connections[0].maps.some((m) => m.state === 'Running')).toBe(true);
    // No call reached LCS or the gateway with the app's token (nor Y's): X's token made them all.
    expect(after.callers.lcs).toEqual({ app: 0, users: { [X.aadObjectId]: expect.any(Number) } });
    expect(after.callers.gateway).toEqual({ app: 0, users: { [X.aadObjectId]: expect.any(Number) } });
    // Every reply the bot sent carried its own token from the emulated Entra.
    expect(h.connector.unauthorized).toBe(0);
  }, 180_000);

  it('answers an unsigned or wrongly signed activity with 401', async () => {
    const activity = JSON.stringify({
      type: 'message',
      id: randomUUID(),
      channelId: 'msteams',
      serviceUrl: h.connector.url,
      from: { id: X.id, name: X.name, aadObjectId: X.aadObjectId },
      recipient: { id: '28:dualwrite-bot' },
      conversation: { id: '19:x@thread.tacv2', tenantId: 'tenant-contoso' },
      channelData: { tenant: { id: 'tenant-contoso' } },
      text: 'runs',
    });
    const post = (authorization?: string) =>
      fetch(`${h.bot.url}/api/messages`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          ...(authorization ? { Authorization: authorization } : {}),
        },
        body: activity,
      });
    expect((await post()).status).toBe(401);
    // An Entra token of the emulator (a user's SSO token) is no channel token.
    expect((await post(`Bearer ${await ssoToken(X)}`)).status).toBe(401);
  });
});

/** A step that waits for an admin's "Continue as me". */
const waitsForAdmin = (s: StepState): boolean => s.status === 'awaiting_manual' && s.actAs !== undefined;

/**
 * The steps that call LCS or the gateway under obo, so run with the admin's rights (README, "With
 * `AZURE_AUTH=obo`"): those in the plan are checked.
 */
const ADMIN_STEPS: StepKind[] = [
  'checkPrerequisites',
  'linkEnvironments',
  'applySolution',
  'enableEntityMaps',
  'addCompanyToConnection',
  'initialSync',
  'verifySetup',
];

/** Who drives a run: the admin who continues, the approver, and Teams' SSO token of a user. */
interface Cast {
  admin: TeamsUser;
  approver: TeamsUser;
  sso: (who: TeamsUser) => Promise<string>;
}

/** One run seen through its run card and the engine: who waits, clicks, approvals, completion. */
class RunFlow {
  constructor(
    private readonly h: Harness,
    private readonly conversation: Conversation,
    private readonly cardId: string,
    private readonly runId: string,
    private readonly cast: Cast,
  ) {}

  async step(id: string): Promise<StepState | undefined> {
    return (await this.h.bot.engine.get(this.runId))?.steps.find((s) => s.id === id);
  }

  /**
   * Until `reached` finds something: the approver approves what they are asked, and the admin
   * continues each step that waits for them (read from the engine, clicked on their run card). A
   * step waiting for anyone else, or a failed run, ends it. Gives what was found and the steps the
   * admin continued on the way, as they waited.
   */
  async drive<T>(
    reached: (run: Run) => T | undefined | Promise<T | undefined>,
  ): Promise<{ found: T; continued: StepState[] }> {
    const { admin, approver, sso } = this.cast;
    const continued = new Map<string, StepState>();
    const deadline = Date.now() + 60_000;
    for (;;) {
      const run = (await this.h.bot.engine.get(this.runId)) as Run;
      if (['failed', 'cancelled'].includes(run.status))
        throw new Error(
          `run ${run.status}: ${JSON.stringify(run.steps.filter((s) => s.error).map((s) => [s.kind, s.error]))}`,
        );
      const found = await reached(run);
      if (found !== undefined) return { found, continued: [...continued.values()] };
      await this.approveAs(approver);
      const waiting = run.steps.find(waitsForAdmin);
      if (waiting) {
        if (waiting.actAs?.admin?.id !== admin.aadObjectId)
          throw new Error(`${waiting.kind} waits for ${JSON.stringify(waiting.actAs)}, not ${admin.name}`);
        if (!continued.has(waiting.id)) continued.set(waiting.id, waiting);
        await this.click(admin, waiting, await sso(admin));
      }
      if (Date.now() > deadline) throw new Error(`Not reached: ${await this.runCardFor(admin)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** The run card as `who` sees it (Teams refreshes it for them). */
  async runCardFor(who: TeamsUser): Promise<string> {
    const shared = cardOf(this.h.connector.messages.get(this.cardId)?.activity) ?? {};
    return textOf(await this.h.client.personalCard(who, this.conversation, shared, this.cardId));
  }

  /**
   * `who` presses "Continue as me" for `step`, with Teams' SSO token when given. The button's data is
   * read from `seenAs`'s own view of the run card (a forged click when that is someone else).
   */
  async click(who: TeamsUser, step: StepState, token?: string, seenAs: TeamsUser = who) {
    const data = await eventually(
      async () => {
        const view = await this.runCardFor(seenAs);
        return executeActions(JSON.parse(view) as Record<string, unknown>).find(
          (a) => a.verb === 'run.continueAsMe' && a.data.stepId === step.id,
        )?.data;
      },
      30_000,
      `the "Continue as me" button of ${step.kind}`,
    );
    return this.h.client.invoke(
      who,
      this.conversation,
      'run.continueAsMe',
      data,
      this.cardId,
      'manual',
      token ? { id: randomUUID(), connectionName: 'DynamicsSso', token } : undefined,
    );
  }

  /** `approver` approves the newest approval card, when it still asks them. */
  private async approveAs(approver: TeamsUser): Promise<void> {
    const messages = this.h.connector.inConversation(this.conversation.id);
    const approval = findCard(messages, this.conversation.id, 'Approval needed');
    if (!approval) return;
    const card = await this.h.client.personalCard(approver, this.conversation, approval.card, approval.id);
    if (textOf(card).includes('run.approve'))
      await this.h.client.click(approver, this.conversation, card, approval.id, 'run.approve');
  }
}
