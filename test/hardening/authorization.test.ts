import { eventually } from '../support/eventually';
import { findCard } from '../support/botHarness';
import { reachContosoConfirmation } from '../support/scenarioDriver';
import { responseCard, textOf, user, type Conversation } from '../support/teamsClient';
import { startLoggedHarness, type LoggedHarness } from './support/hardeningHarness';

/**
 * Starting a setup and deciding approvals are limited to the configured admins and approvers
 * (Entra object ids), and every refusal leaves a trace: an `access.refused` warn log line always,
 * and a `refused <action>` entry in the run's audit trail when the refusal concerns a run. A refused
 * Start creates no run.
 */
const admin = user('Alex Admin');
const approver = user('Priya Approver');
const secondAdmin = user('Omar Admin');
const stranger = user('Sam Sales');

interface RefusalLine {
  event: string;
  action: string;
  actorId: string;
  runId?: string;
  stepId?: string;
}

describe('authorization: admins start, approvers decide, every refusal is audited', () => {
  let h: LoggedHarness;
  let conversation: Conversation;
  let confirm: { cardId: string; card: Record<string, unknown> };

  const refusalLines = (): RefusalLine[] =>
    h.logs
      .map((line) => JSON.parse(line) as RefusalLine & { msg: string })
      .filter((entry) => entry.event === 'access.refused');
  const runsAndAudit = async () => {
    const runs = await h.bot.engine.list();
    return JSON.stringify({ runs, audit: await Promise.all(runs.map((r) => h.bot.engine.audit(r.id))) });
  };

  beforeAll(async () => {
    h = await startLoggedHarness(
      {
        ADMINS: `${admin.aadObjectId},${secondAdmin.aadObjectId}`,
        APPROVERS: approver.aadObjectId,
      },
      'info',
    );
    const reached = await reachContosoConfirmation(h, admin, {
      financeOpsName: 'authz-fo',
      companyCode: 'AUTZ',
      companyName: 'Authz Ltd',
    });
    conversation = reached.conversation;
    confirm = { cardId: reached.cardId, card: reached.confirm };
  });
  afterAll(async () => {
    await h?.close();
  });

  it('a non-admin asking for a setup is refused, and the refusal is logged', async () => {
    const before = refusalLines().length;
    await h.client.say(stranger, conversation, 'setup');
    const answer = await h.connector.waitFor(
      (m) => findCard(m, conversation.id, 'Only the configured dual-write admins'),
      5000,
      'the refusal',
    );
    expect(textOf(answer.card)).toContain('Not allowed');
    const lines = refusalLines().slice(before);
    expect(lines).toEqual([
      expect.objectContaining({ action: 'setup.begin', actorId: stranger.aadObjectId }),
    ]);
  });

  it("a non-admin's Review and Start on the admin's card are refused, no run is created, both logged", async () => {
    const runIds = async () => (await h.bot.engine.list()).map((run) => run.id).sort();
    const idsBefore = await runIds();
    // Run first (alone), nothing else moves: the whole store and audit stay as they were.
    const before = idsBefore.length ? undefined : await runsAndAudit();
    const linesBefore = refusalLines().length;
    const review = await h.client.invoke(
      stranger,
      conversation,
      'setup.review',
      { scenario: 'new-new', financeOpsName: 'x-fo', dataverseName: 'x-dv' },
      confirm.cardId,
    );
    expect(textOf(responseCard(review))).toContain('Only the configured dual-write admins');
    const start = await h.client.click(stranger, conversation, confirm.card, confirm.cardId, 'setup.start');
    expect(textOf(responseCard(start))).toContain('Only the configured dual-write admins');
    // After the case that starts a run, that run moves on by itself: then no run is added.
    expect(await runIds()).toEqual(idsBefore);
    if (before) expect(await runsAndAudit()).toBe(before);
    expect(refusalLines().slice(linesBefore)).toEqual([
      expect.objectContaining({ action: 'setup.review', actorId: stranger.aadObjectId }),
      expect.objectContaining({ action: 'setup.start', actorId: stranger.aadObjectId }),
    ]);
  });

  it('on a run: every refused decision and control is audited on the run and logged', async () => {
    const started = responseCard(
      await h.client.click(admin, conversation, confirm.card, confirm.cardId, 'setup.start'),
    );
    const runId = String(/"runId":"([0-9a-f-]{36})"/.exec(textOf(started))?.[1]);
    const approval = await h.connector.waitFor(
      (m) => findCard(m, conversation.id, 'Approval needed'),
      60_000,
      'the approval card',
    );
    const stepId = String(/"stepId":"([^"]+)"/.exec(textOf(approval.card))?.[1]);
    const run = async () => (await h.bot.engine.get(runId))!;
    // The approval is asked at Start while the other steps work: wait until the run stands at it.
    await eventually(
      async () => {
        const current = await run();
        return current.status === 'waiting' && !current.steps.some((s) => s.status === 'running');
      },
      60_000,
      'the run to wait for the approval alone',
    );
    const stateBefore = JSON.stringify({
      rev: (await run()).rev,
      steps: (await run()).steps.map((s) => s.status),
    });
    const linesBefore = refusalLines().length;
    const auditBefore = (await h.bot.engine.audit(runId)).length;

    const attempts: Array<[string, () => Promise<unknown>, RegExp]> = [
      [
        'run.approve',
        () =>
          h.client.click(stranger, conversation, approval.card, approval.id, 'run.approve', {
            seenBy: approver,
          }),
        /not an approver/,
      ],
      [
        'run.approve',
        () =>
          h.client.click(secondAdmin, conversation, approval.card, approval.id, 'run.approve', {
            seenBy: approver,
          }),
        /not an approver/,
      ],
      [
        'run.approve',
        () =>
          h.client.click(admin, conversation, approval.card, approval.id, 'run.approve', {
            seenBy: approver,
          }),
        /not an approver|Four eyes/,
      ],
      [
        'run.reject',
        () =>
          h.client.click(stranger, conversation, approval.card, approval.id, 'run.reject', {
            inputs: { reason: 'no' },
            seenBy: approver,
          }),
        /not an approver/,
      ],
      [
        'run.cancel',
        async () =>
          h.client.invoke(
            stranger,
            conversation,
            'run.cancel',
            { runId, rev: (await run()).rev },
            confirm.cardId,
          ),
        /Only the configured/,
      ],
      [
        'run.skip',
        async () =>
          h.client.invoke(
            stranger,
            conversation,
            'run.skip',
            { runId, stepId, rev: (await run()).rev },
            confirm.cardId,
          ),
        /Only the configured/,
      ],
      [
        'run.verify',
        async () =>
          h.client.invoke(
            stranger,
            conversation,
            'run.verify',
            { runId, stepId, rev: (await run()).rev },
            confirm.cardId,
          ),
        /Only the configured/,
      ],
    ];
    for (const [, attempt, expected] of attempts) {
      const answer = (await attempt()) as { body: { value: unknown } };
      expect(JSON.stringify(answer.body.value)).toMatch(expected);
    }
    // Typed commands too.
    await h.client.say(stranger, conversation, `cancel ${runId.slice(0, 8)}`);
    await h.client.say(stranger, conversation, `retry ${runId.slice(0, 8)}`);
    await h.connector.waitFor(
      () => (refusalLines().length >= linesBefore + attempts.length + 2 ? true : undefined),
      5000,
      'the command refusals',
    );

    expect(JSON.stringify({ rev: (await run()).rev, steps: (await run()).steps.map((s) => s.status) })).toBe(
      stateBefore,
    );
    // The typed commands take the same route as the card buttons, so they are refused as the verb.
    const actions = [...attempts.map(([action]) => action), 'run.cancel', 'run.retry'];
    const lines = refusalLines().slice(linesBefore);
    expect(lines.map((l) => l.action)).toEqual(actions);
    expect(lines.every((l) => l.runId === runId)).toBe(true);
    const audited = (await h.bot.engine.audit(runId))
      .slice(auditBefore)
      .filter((e) => e.action.startsWith('refused '));
    expect(audited.map((e) => e.action)).toEqual(actions.map((a) => `refused ${a}`));
    expect(audited.every((e) => e.detail && e.actor?.id)).toBe(true);

    // The configured approver may decide: the refusals above were about who, not about the card.
    const approved = await h.client.click(approver, conversation, approval.card, approval.id, 'run.approve');
    expect(textOf(responseCard(approved))).toContain('Approved by Priya Approver');
  });
});
