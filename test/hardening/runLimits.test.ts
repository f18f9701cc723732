import { executeActions } from '../support/adaptiveCardValidator';
import { startHarness, type Harness } from '../support/botHarness';
import { eventually } from '../support/eventually';
import { reachConfirmation } from '../support/scenarioDriver';
import { responseCard, textOf, user, type TeamsUser } from '../support/teamsClient';

// Limits on runs (docs/reliability.md): Start follows a Review of the same input, and unfinished runs
// are capped per admin and per tenant. Real HTTP through the bot, its SQLite store, the emulator
// (slowed down, so no run finishes during the test and every run started keeps its place).

const PER_ADMIN = 3;
const PER_TENANT = 5;

describe('limits on runs', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      MAX_ACTIVE_RUNS_PER_ADMIN: String(PER_ADMIN),
      MAX_ACTIVE_RUNS_PER_TENANT: String(PER_TENANT),
      EMULATOR_TIME_SCALE: '0.1', // an F&O deployment takes 6 minutes
    });
  });
  afterAll(async () => h?.close());

  const unfinished = () => h.bot.engine.list({ status: ['running', 'waiting', 'failed'], limit: 100 });
  const inputsOf = (tag: string) => ({ financeOpsName: `lim-fo-${tag}`, dataverseName: `lim-dv-${tag}` });

  /** A Review (setup, scenario, details, Review): the plan card and its Start action's data. */
  async function review(requester: TeamsUser, tag: string) {
    const reached = await reachConfirmation(h, { scenario: 'new-new', requester, inputs: inputsOf(tag) });
    const start = executeActions(reached.confirm).find((a) => a.verb === 'setup.start');
    if (!start) throw new Error(`no Start on the plan card: ${textOf(reached.confirm).slice(0, 400)}`);
    return { ...reached, start: start.data };
  }

  it('refuses a Start without a Review, with an unknown token, or with the token of other input', async () => {
    const alex = user('Alex Admin');
    const reviewed = await review(alex, 'reviewed');
    const otherInput = JSON.stringify({
      scenario: 'new-new',
      financeOpsHome: 'lcs',
      financeOpsName: 'lim-fo-unreviewed',
      dataverseName: 'lim-dv-unreviewed',
    });
    const attempts: Array<[string, Record<string, unknown>, RegExp]> = [
      ['no token', { input: otherInput }, /carries none/],
      ['an unknown token', { input: otherInput, reviewToken: crypto.randomUUID() }, /carries none/],
      ['the token of other input', { ...reviewed.start, input: otherInput }, /other values/],
    ];
    for (const [what, data, reason] of attempts) {
      const answer = textOf(
        responseCard(
          await h.client.invoke(alex, reviewed.conversation, 'setup.start', data, reviewed.cardId),
        ),
      );
      expect([what, answer]).toEqual([what, expect.stringMatching(reason)]);
      expect(answer).toContain('Press Review');
    }
    expect(await h.bot.engine.list()).toEqual([]);

    // The reviewed plan starts, once: a repeated Start answers the same run.
    const started = await h.client.invoke(
      alex,
      reviewed.conversation,
      'setup.start',
      reviewed.start,
      reviewed.cardId,
    );
    const again = await h.client.invoke(
      alex,
      reviewed.conversation,
      'setup.start',
      reviewed.start,
      reviewed.cardId,
    );
    const runIdOf = (card: Record<string, unknown>) => /"runId":"([0-9a-f-]{36})"/.exec(textOf(card))?.[1];
    expect(runIdOf(responseCard(started))).toBeDefined();
    expect(runIdOf(responseCard(again))).toBe(runIdOf(responseCard(started)));
    expect(await h.bot.engine.list()).toHaveLength(1);
    // Cancelled, it frees its place once its running step has stopped.
    await Promise.all((await h.bot.engine.list()).map((run) => h.bot.engine.cancel(run.id, alex)));
    await eventually(async () => (await unfinished()).length === 0, 30_000, 'the run to be cancelled');
  });

  it('40 concurrent reviewed Starts stay within the limits per admin and per tenant', async () => {
    expect(await unfinished()).toEqual([]);
    // One admin with 6 reviewed plans, then 7 others with 34: all Started at once, per phase.
    const alex = user('Alex Admin');
    const others = Array.from({ length: 7 }, (_, i) => user(`Admin ${i}`));
    const plans = async (people: TeamsUser[], count: number, phase: string) => {
      const reviewed = [];
      // Reviewed five at a time (each reads both environments); the Starts below go all at once.
      for (let i = 0; i < count; i += 5) {
        reviewed.push(
          ...(await Promise.all(
            Array.from({ length: Math.min(5, count - i) }, (_, k) => {
              const requester = people[(i + k) % people.length];
              return review(requester, `${phase}-${i + k}`).then((plan) => ({ ...plan, requester }));
            }),
          )),
        );
      }
      return reviewed;
    };
    const startAll = (reviewed: Awaited<ReturnType<typeof plans>>) =>
      Promise.all(
        reviewed.map(async (plan) =>
          textOf(
            responseCard(
              await h.client.invoke(
                plan.requester,
                plan.conversation,
                'setup.start',
                plan.start,
                plan.cardId,
              ),
            ),
          ),
        ),
      );

    const alexAnswers = await startAll(await plans([alex], 6, 'alex'));
    expect((await unfinished()).length).toBe(PER_ADMIN);
    const alexRefusals = alexAnswers.filter((a) => a.includes('The setup did not start'));
    expect(alexRefusals).toHaveLength(6 - PER_ADMIN);
    for (const refusal of alexRefusals) {
      expect(refusal).toContain(`Alex Admin already has ${PER_ADMIN} setups under way`);
    }

    const otherAnswers = await startAll(await plans(others, 34, 'others'));
    const runs = await unfinished();
    expect(runs.length).toBe(PER_TENANT);
    const perRequester = new Map<string, number>();
    for (const run of runs)
      perRequester.set(run.requestedBy.id, (perRequester.get(run.requestedBy.id) ?? 0) + 1);
    expect(Math.max(...perRequester.values())).toBeLessThanOrEqual(PER_ADMIN);
    const tenantRefusals = otherAnswers.filter((a) => a.includes('The setup did not start'));
    expect(tenantRefusals).toHaveLength(34 - (PER_TENANT - PER_ADMIN));
    for (const refusal of tenantRefusals) {
      expect(refusal).toMatch(new RegExp(`(This tenant|Admin \\d) already has \\d setups under way`));
    }
    expect(tenantRefusals.some((r) => r.includes(`This tenant already has ${PER_TENANT} setups`))).toBe(true);
  }, 180_000);
});
