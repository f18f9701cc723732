import { startHarness, type Harness } from '../support/botHarness';
import { cardOf } from '../support/localConnector';
import { startRunAtApproval } from '../support/scenarioDriver';
import { responseCard, textOf, user, type Conversation } from '../support/teamsClient';
import type { Run } from '../../src/engine/model';

/**
 * Refusal paths of the approval card and the other card actions: each answered with a clear
 * message, and nothing changes (the run's rev and steps stay as they were).
 */
const requester = user('Alex Admin');
const approver = user('Priya Approver');
const stranger = user('Sam Sales');

describe('refused clicks change nothing', () => {
  let h: Harness;
  let conversation: Conversation;
  let runId: string;
  let approval: { id: string; card: Record<string, unknown> };

  const snapshot = async (): Promise<string> => {
    const run = (await h.bot.engine.get(runId)) as Run;
    return JSON.stringify({
      rev: run.rev,
      status: run.status,
      steps: run.steps.map((s) => [s.id, s.status, s.approval?.decision ?? null]),
    });
  };

  beforeAll(async () => {
    h = await startHarness({
      APPROVERS: `${requester.aadObjectId},${approver.aadObjectId}`,
      ADMINS: `${requester.aadObjectId},${approver.aadObjectId}`,
    });
    ({ conversation, runId, approval } = await startRunAtApproval(h, requester, {
      financeOpsName: 'rf-fo',
      companyCode: 'CNTS',
    }));
  });
  afterAll(async () => {
    await h?.close();
  });

  it('a non-approver cannot approve', async () => {
    const before = await snapshot();
    const answer = textOf(
      responseCard(
        await h.client.click(stranger, conversation, approval.card, approval.id, 'run.approve', {
          seenBy: approver,
        }),
      ),
    );
    expect(answer).toContain('is not an approver');
    expect(await snapshot()).toBe(before);
    const refusals = (await h.bot.engine.audit(runId)).filter((e) => e.action === 'refused run.approve');
    expect(refusals.map((e) => e.actor?.id)).toContain(stranger.aadObjectId);
  });

  it('the requester cannot approve their own run (four eyes)', async () => {
    const before = await snapshot();
    const answer = textOf(
      responseCard(
        await h.client.click(requester, conversation, approval.card, approval.id, 'run.approve', {
          seenBy: approver,
        }),
      ),
    );
    expect(answer).toContain('Four eyes');
    expect(await snapshot()).toBe(before);
  });

  it('a reject without a reason is refused', async () => {
    const before = await snapshot();
    const answer = textOf(
      responseCard(
        await h.client.click(approver, conversation, approval.card, approval.id, 'run.reject', {
          inputs: { reason: '  ' },
        }),
      ),
    );
    expect(answer).toContain('Give a reason to reject');
    expect(await snapshot()).toBe(before);
  });

  it('a stale revision gets the current card and changes nothing', async () => {
    const before = await snapshot();
    const stale = await h.client.invoke(
      approver,
      conversation,
      'run.approve',
      { runId, stepId: stepIdOf(approval.card), rev: 0 },
      approval.id,
    );
    const answer = textOf(responseCard(stale));
    expect(answer).toContain('out of date');
    expect(answer).toContain('run.approve');
    expect(await snapshot()).toBe(before);
    expect(
      (await h.bot.engine.audit(runId)).some(
        (e) => e.action === 'refused (stale)' && e.actor?.id === approver.aadObjectId,
      ),
    ).toBe(true);
  });

  it.each([
    ['a run id with injected OData', { runId: "x' or 1 eq 1", stepId: 's1', rev: 1 }],
    ['a non-numeric revision', { runId: '3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b', stepId: 's1', rev: 'abc' }],
    ['missing fields', {}],
    [
      'script in the step id',
      { runId: '3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b', stepId: '<script>alert(1)</script>', rev: 1 },
    ],
  ])('malformed card data (%s) is refused clearly', async (_label, data) => {
    const before = await snapshot();
    const response = await h.client.invoke(approver, conversation, 'run.approve', data, approval.id);
    expect(response.status).toBe(200);
    expect(textOf(responseCard(response))).toContain('was not understood');
    expect(await snapshot()).toBe(before);
  });

  it('oversized card data is refused unread', async () => {
    const before = await snapshot();
    const response = await h.client.invoke(
      approver,
      conversation,
      'run.approve',
      { runId, stepId: stepIdOf(approval.card), rev: 1, pad: 'x'.repeat(20_000) },
      approval.id,
    );
    expect(textOf(responseCard(response))).toContain('too large');
    expect(await snapshot()).toBe(before);
  });

  it('an unknown run id is named in the answer', async () => {
    const response = await h.client.invoke(
      approver,
      conversation,
      'run.approve',
      { runId: '00000000-0000-4000-8000-000000000000', stepId: 's1', rev: 1 },
      approval.id,
    );
    expect(textOf(responseCard(response))).toContain('Unknown run');
  });
});

// The decision ends the wait the refusals above answer, so it gets a run of its own.
describe('the approval decided', () => {
  let h: Harness;
  let conversation: Conversation;
  let runId: string;
  let approval: { id: string; card: Record<string, unknown> };

  beforeAll(async () => {
    h = await startHarness({
      APPROVERS: `${requester.aadObjectId},${approver.aadObjectId}`,
      ADMINS: `${requester.aadObjectId},${approver.aadObjectId}`,
    });
    ({ conversation, runId, approval } = await startRunAtApproval(h, requester, {
      financeOpsName: 'rf-decided-fo',
      companyCode: 'CNTS',
    }));
  });
  afterAll(async () => {
    await h?.close();
  });

  it('the approver approves once; the double click changes nothing more', async () => {
    // Priya's own view of the card (Teams refreshes it for her), kept to click twice.
    const mine = await h.client.personalCard(approver, conversation, approval.card, approval.id);
    const first = textOf(
      responseCard(await h.client.click(approver, conversation, mine, approval.id, 'run.approve')),
    );
    expect(first).toContain('Approved by Priya Approver');
    expect(first).not.toContain('run.approve');
    const afterFirst = (await h.bot.engine.get(runId))!;
    const decision = afterFirst.steps.find((s) => s.id === stepIdOf(approval.card))!.approval!.decision!;
    // The same (now stale) card clicked again.
    const second = textOf(
      responseCard(await h.client.click(approver, conversation, mine, approval.id, 'run.approve')),
    );
    expect(second).toContain('Approved by Priya Approver');
    const again = (await h.bot.engine.get(runId))!.steps.find((s) => s.id === stepIdOf(approval.card))!
      .approval!.decision!;
    expect(again).toEqual(decision);
    expect(
      (await h.bot.engine.audit(runId)).filter(
        (e) => /approv/i.test(e.action) && e.actor?.id === approver.aadObjectId && !/refus/i.test(e.action),
      ),
    ).toHaveLength(1);
    // Everyone's copy of the approval card shows the decision, without buttons.
    await h.connector.waitFor(
      () => {
        const card = cardOf(h.connector.messages.get(approval.id)?.activity);
        return card && textOf(card).includes('Approved by') && !textOf(card).includes('run.approve')
          ? true
          : undefined;
      },
      10_000,
      'the approval card updated for everyone',
    );
  });
});

function stepIdOf(card: Record<string, unknown>): string {
  return String(/"stepId":"([^"]+)"/.exec(textOf(card))?.[1]);
}
