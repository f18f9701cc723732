import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Run } from '../../src/engine/model';
import { openStore } from '../../src/store/openStore';
import { startHarness, type Harness } from '../support/botHarness';
import { sampleRun } from '../support/runFixtures';
import { newConversation, responseCard, textOf, user } from '../support/teamsClient';
import { teamsSsoToken } from './support/emulatorControl';

/**
 * "Continue as me" through the bot over real HTTP (AZURE_AUTH=obo's button; Learn
 * https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/universal-actions-for-adaptive-cards/sso-adaptive-cards-universal-action):
 * a click without an SSO token (or one the token service cannot exchange) gets the 401 login request;
 * with the token the emulator's Entra mints
 * for X, X's click continues the step; Y's click is refused with the reason on the card.
 * The run is put in the waiting state in the bot's SQLite file before the bot starts (the engine's
 * own obo run is test/engine/actingAdmin.emulator.test.ts).
 */
const X = user('Xavier Admin');
const Y = user('Yasmin Admin');

/** A run whose maps step waits for X's "Continue as me" (the state actingAdmin.ts leaves it in). */
function waitingRun(): Run {
  const run = sampleRun({
    id: randomUUID(),
    status: 'waiting',
    requestedBy: { id: X.aadObjectId, name: X.name },
  });
  run.actingAdmin = { id: X.aadObjectId, name: X.name };
  run.steps.forEach((step, i) => {
    if (i < 2) return;
    step.status = 'pending';
    delete step.startedAt;
    delete step.finishedAt;
    delete step.output;
    delete step.approval;
  });
  const maps = run.steps[2];
  maps.status = 'awaiting_manual';
  maps.actAs = {
    admin: run.actingAdmin,
    reason: 'AADSTS50076: multi-factor authentication is required',
    since: run.updatedAt,
  };
  maps.waitingSinceRev = run.rev;
  return run;
}

describe('Continue as me: the card button with Teams SSO', () => {
  let h: Harness;
  const conversation = newConversation();
  const run = waitingRun();
  const maps = run.steps[2];

  const ssoToken = (who: typeof X) => teamsSsoToken(h, who);
  const click = async (who: typeof X, token?: string) =>
    h.client.invoke(
      who,
      conversation,
      'run.continueAsMe',
      { runId: run.id, stepId: maps.id, rev: run.rev },
      'card-1',
      'manual',
      token ? { id: randomUUID(), connectionName: 'DynamicsSso', token } : undefined,
    );

  beforeAll(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dwbot-'));
    const store = await openStore({ dataDir: dir });
    await store.runs.create(run, randomUUID(), []);
    await store.close();
    h = await startHarness({ ADMINS: `${X.aadObjectId},${Y.aadObjectId}` }, dir);
  });
  afterAll(async () => {
    await h.close();
  });

  const refreshed = async (who: typeof X) =>
    textOf(
      responseCard(await h.client.invoke(who, conversation, 'run.refresh', { runId: run.id }, 'card-1')),
    );

  it("shows X who must act, Entra's reason and the button; Y who is awaited, without it", async () => {
    const forX = await refreshed(X);
    expect(forX).toContain('waiting for Xavier Admin to press \\"Continue as me\\"');
    expect(forX).toContain('Microsoft Entra asks for a new sign-in: AADSTS50076');
    expect(forX).toContain('"verb":"run.continueAsMe"');
    expect(forX).toContain('add the bot for yourself');
    const forY = await refreshed(Y);
    expect(forY).toContain('waiting for Xavier Admin to press \\"Continue as me\\"');
    expect(forY).not.toContain('"verb":"run.continueAsMe"');
  });

  it('answers a click without an SSO token with the 401 login request', async () => {
    const response = await click(X);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      statusCode: 401,
      type: 'application/vnd.microsoft.activity.loginRequest',
      value: {
        connectionName: 'DynamicsSso',
        tokenExchangeResource: { uri: expect.stringMatching(/^api:\/\/botid-/), providerId: 'DynamicsSso' },
      },
    });
  });

  it('answers the login request again when the token service cannot exchange the SSO token', async () => {
    const settings = (exchangeRefused: boolean) =>
      fetch(`${h.bot.emulatorUrl}/_emulator/settings`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ identity: { exchangeRefused } }),
      });
    expect((await settings(true)).ok).toBe(true);
    try {
      const response = await click(X, await ssoToken(X));
      expect(response.body).toMatchObject({
        statusCode: 401,
        type: 'application/vnd.microsoft.activity.loginRequest',
      });
    } finally {
      await settings(false);
    }
  });

  it("refuses Y's click with the reason on the card", async () => {
    const card = textOf(responseCard(await click(Y, await ssoToken(Y))));
    expect(card).toContain('Only Xavier Admin, who linked, can act for this step');
  });

  it("continues the step on X's click with X's SSO token", async () => {
    const card = textOf(responseCard(await click(X, await ssoToken(X))));
    expect(card).toContain('Continuing with your rights.');
    expect(card).not.toContain('"verb":"run.continueAsMe"');
  });
});
