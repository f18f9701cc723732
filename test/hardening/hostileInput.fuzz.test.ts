import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { getJson } from '../support/botHarness';
import { startRunAtApproval } from '../support/scenarioDriver';
import { BOT, textOf, user, type Conversation, type TeamsUser } from '../support/teamsClient';
import { VERBS } from '../../src/bot/cardActions';
import { startLoggedHarness, type LoggedHarness } from './support/hardeningHarness';

/**
 * Hostile input through /api/messages: at least 10,000 generated card actions and commands (wrong
 * types, huge strings, unknown verbs, injected OData and script text, broken envelopes). None gets a
 * 5xx or crashes the bot, and none changes state: the runs (rev, steps, status), the posted
 * messages and the store are as before; the only growth allowed is `refused ...` audit entries on
 * the one real run, for actions a stranger aimed at it.
 */
const BATCH = 25;
const BATCHES = 400; // 10,000 payloads

const admin = user('Alex Admin');
const approver = user('Priya Approver');
const stranger = user('Sam Sales');

const INJECTED = [
  "' or 1 eq 1",
  "x') or contains(name,'a",
  '$filter=_msdyn_company_value eq null&$top=5000',
  'accounts?$select=*&$expand=*',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  '${jndi:ldap://127.0.0.1/a}',
  '${runId}',
  '{{7*7}}',
  '../../../../etc/passwd',
  '\u0000\u0001\u202e',
  "'; DROP TABLE runs; --",
  '__proto__',
  'constructor',
  'javascript:alert(1)',
  'http://169.254.169.254/latest/meta-data/',
];
const FIELDS = [
  'runId',
  'stepId',
  'rev',
  'scenario',
  'input',
  'reviewToken',
  'reason',
  'financeOpsApp',
  'financeOpsName',
  'financeOpsUrl',
  'dataverseName',
  'dataverseUrl',
  'companyCode',
  'companyName',
  'demoLegalEntities',
  'legalEntities',
  'bootstrapTables',
  'initialSyncEntities',
  'master',
  'financeOpsIsNew',
  'dataverseIsNew',
  '__proto__',
];

const hostileString = fc.oneof(
  fc.constantFrom(...INJECTED),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc
    .tuple(fc.constantFrom('a', 'Z', '9', "'", '<'), fc.integer({ min: 4_000, max: 40_000 }))
    .map(([c, n]) => c.repeat(n)),
  fc.uuid(),
);
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(hostileString, { maxLength: 70 }),
  fc.dictionary(fc.string({ maxLength: 8 }), hostileString, { maxKeys: 4 }),
  fc.constantFrom(-1, 1e308, Number.MAX_SAFE_INTEGER + 2, '1e9', 'NaN', ''),
);
const hostileData = fc.oneof(
  { weight: 6, arbitrary: fc.dictionary(fc.constantFrom(...FIELDS), hostileValue, { maxKeys: 8 }) },
  fc.anything(),
);
const verb = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...VERBS) },
  fc.constantFrom('run.delete', 'setup.begin ', 'RUN.APPROVE', 'run.approve\u0000', ''),
  fc.string({ maxLength: 30 }),
  fc.constantFrom(...INJECTED),
);
const commandText = fc.oneof(
  fc.constantFrom('status', 'runs', 'help', 'audit', 'cancel', 'retry'),
  fc
    .tuple(fc.constantFrom('status', 'audit', 'cancel', 'retry', 'setup', 'runs'), hostileString)
    .map(([c, arg]) => `${c} ${arg}`),
  hostileString,
);

type Payload =
  | { kind: 'invoke'; who: 'admin' | 'stranger'; verb: unknown; data: unknown; realRun: boolean }
  | { kind: 'message'; who: 'admin' | 'stranger'; text: string }
  | { kind: 'envelope'; body: unknown };

const payload: fc.Arbitrary<Payload> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('invoke' as const),
      who: fc.constantFrom('admin' as const, 'stranger' as const),
      verb: fc.oneof({ weight: 9, arbitrary: verb }, hostileValue),
      data: hostileData,
      realRun: fc.boolean(),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('message' as const),
      who: fc.constantFrom('admin' as const, 'stranger' as const),
      text: commandText,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('envelope' as const),
      body: fc.oneof(
        fc.anything(),
        fc.record({
          type: fc.oneof(fc.constantFrom('invoke', 'message', 'conversationUpdate'), hostileValue),
        }),
        fc.record({
          type: fc.constantFrom('invoke', 'message'),
          name: fc.oneof(fc.constant('adaptiveCard/action'), hostileString),
          value: fc.anything(),
          text: hostileValue,
          from: hostileValue,
          conversation: hostileValue,
          serviceUrl: hostileValue,
        }),
      ),
    }),
  },
);

describe('hostile input', () => {
  let h: LoggedHarness;
  let conversation: Conversation;
  let runId = '';
  let stepId = '';
  let cardId = '';
  let requests = 0;

  beforeAll(async () => {
    h = await startLoggedHarness(
      { ADMINS: `${admin.aadObjectId}`, APPROVERS: approver.aadObjectId },
      'silent',
    );
    // Stands still at its approval (startRunAtApproval): any change below could only come from a payload.
    const started = await startRunAtApproval(h, admin, {
      financeOpsName: 'fuzz-fo',
      companyCode: 'FUZZ',
      companyName: 'Fuzz Ltd',
    });
    ({ conversation, cardId, runId } = started);
    stepId = String(/"stepId":"([^"]+)"/.exec(textOf(started.approval.card))?.[1]);
    // Let the notifier settle, so the baseline is quiet.
    await new Promise((resolve) => setTimeout(resolve, 300));
  });
  afterAll(async () => {
    await h?.close();
  });

  /** Runs, posted messages and non-refusal audit: what an invalid request must never change. */
  const state = async (): Promise<string> => {
    const store = JSON.parse(h.storeSnapshot()) as {
      runs: unknown;
      audit: Array<{ action: string }>;
      messages: unknown[];
      conversations: unknown[];
    };
    // A valid "status" binds its card to the run (status_cards: one per run and conversation,
    // however many): not part of the state an invalid request must leave alone.
    return JSON.stringify({
      runs: store.runs,
      engine: (await h.bot.engine.list()).map((r) => [r.id, r.rev, r.status, r.steps.map((s) => s.status)]),
      audit: store.audit.filter((entry) => !entry.action.startsWith('refused')),
      messages: store.messages,
      conversations: store.conversations.length,
    });
  };

  function activityOf(p: Payload): unknown {
    if (p.kind === 'envelope') return p.body;
    const from: TeamsUser = p.who === 'admin' ? admin : stranger;
    const base = {
      id: randomUUID(),
      channelId: 'msteams',
      serviceUrl: h.connector.url,
      from: { id: from.id, name: from.name, aadObjectId: from.aadObjectId },
      recipient: BOT,
      // Teams always names the tenant; the run belongs to this tenant and conversation.
      conversation: {
        id: conversation.id,
        conversationType: 'channel',
        isGroup: true,
        tenantId: conversation.tenantId,
      },
    };
    if (p.kind === 'message') {
      // The admin's commands never name the real run (cancel/retry from an admin would be valid).
      const text = p.who === 'admin' && /^(cancel|retry)\b/i.test(p.text) ? `x${p.text}` : p.text;
      return { ...base, type: 'message', text: `<at>${BOT.name}</at> ${text}` };
    }
    let data = p.data;
    // Aim the stranger's actions at the real run and step: every one of them must be refused.
    if (p.realRun && p.who === 'stranger' && data && typeof data === 'object' && !Array.isArray(data)) {
      data = { ...data, runId, stepId };
    }
    return {
      ...base,
      type: 'invoke',
      name: 'adaptiveCard/action',
      replyToId: cardId,
      value: { action: { type: 'Action.Execute', verb: p.verb, data }, trigger: 'manual' },
    };
  }

  async function send(p: Payload): Promise<{ status: number; body: string }> {
    requests += 1;
    const response = await fetch(`${h.bot.url}/api/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(activityOf(p)) ?? 'undefined',
    });
    return { status: response.status, body: await response.text() };
  }

  const graphRequests = async (): Promise<number> =>
    (await getJson<{ requests: number }>(`${h.bot.emulatorUrl}/_emulator/graph`)).requests;

  it('10,000 generated payloads: no 5xx, no crash, no state change', async () => {
    const before = await state();
    const graphBefore = await graphRequests();
    const rosterBefore = h.connector.rosterCalls;
    const runBefore = (await h.bot.engine.get(runId))!;
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    const outcome = await fc.check(
      fc.asyncProperty(fc.array(payload, { minLength: BATCH, maxLength: BATCH }), async (batch) => {
        const results = await Promise.all(batch.map(send));
        let ok = true;
        for (const [i, result] of results.entries()) {
          statuses.set(result.status, (statuses.get(result.status) ?? 0) + 1);
          // A 5xx, or a stack trace in an answer.
          if (result.status >= 500 || /\n\s+at .+:\d+:\d+/.test(result.body)) {
            ok = false;
            if (failures.length < 5) {
              failures.push(
                `${result.status} ${result.body.slice(0, 200)} for ${JSON.stringify(batch[i]).slice(0, 300)}`,
              );
            }
          }
        }
        return ok;
      }),
      // Shrinking would resend thousands of requests; the failing payloads are recorded instead.
      { numRuns: BATCHES, seed: 20260521, endOnFailure: true },
    );
    expect(failures).toEqual([]);
    expect(outcome.failed).toBe(false);
    // Replies to commands and card updates are still being delivered: let them land, then compare.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(requests).toBeGreaterThanOrEqual(BATCH * BATCHES);
    expect(JSON.parse(await state())).toEqual(JSON.parse(before));
    const statusCards = (JSON.parse(h.storeSnapshot()) as { statusCards: Array<{ run_id: string }> })
      .statusCards;
    expect(statusCards.filter((c) => c.run_id === runId).length).toBeLessThanOrEqual(1);
    const runAfter = (await h.bot.engine.get(runId))!;
    expect(runAfter.rev).toBe(runBefore.rev);
    expect(runAfter.steps.find((s) => s.id === stepId)?.status).toBe('awaiting_approval');
    // The refusals aimed at the real run were audited.
    expect(
      (await h.bot.engine.audit(runId)).filter((e) => e.action.startsWith('refused')).length,
    ).toBeGreaterThan(10);
    // Still alive and well.
    const health = await fetch(`${h.bot.url}/healthz`);
    expect(health.status).toBe(200);
    // Card actions answer from cache: the roster is read at most once more for the conversation and
    // Graph is asked only to refresh what expired (once a minute), never once per action.
    const graphCalls = (await graphRequests()) - graphBefore;
    const rosterReads = h.connector.rosterCalls - rosterBefore;
    process.stdout.write(
      `fuzz: ${requests} requests, statuses ${JSON.stringify(Object.fromEntries(statuses))}, roster reads ${rosterReads}, Graph requests ${graphCalls}\n`,
    );
    expect(rosterReads).toBeLessThanOrEqual(1);
    expect(graphCalls).toBeLessThan(20);
  }, 170_000);
});
