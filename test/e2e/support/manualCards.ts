import type { Run, StepKind, StepState } from '../../../src/engine/model';
import type { Harness } from '../../support/botHarness';
import { cardOf, type RecordedActivity } from '../../support/localConnector';
import { responseCard, textOf, type Conversation, type user } from '../../support/teamsClient';

/**
 * A manual step's card as the admin meets it: "Done, verify" too early shows the reason and leaves the
 * run where it was; the admin does the step; "Done, verify" again verifies it.
 */
export interface ManualCards {
  stepOf(runId: string, kind: StepKind): Promise<StepState>;
  manualStep(
    conversation: Conversation,
    runId: string,
    kind: StepKind,
    expected: { instructions: RegExp[]; reason: RegExp | null },
    perform: (step: StepState) => Promise<void>,
  ): Promise<void>;
}

export function manualCards(h: Harness, requester: ReturnType<typeof user>): ManualCards {
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

  return { stepOf, manualStep };
}

/** Statuses of the steps after `stepId`, to show that a failed verification moved nothing. */
function laterStatuses(run: Run, stepId: string): string[] {
  return run.steps.slice(run.steps.findIndex((s) => s.id === stepId) + 1).map((s) => s.status);
}
