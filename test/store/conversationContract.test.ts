// One contract, two stores: every test runs against a real SQLite file and a real PostgreSQL
// (TEST_DATABASE_URL or the embedded server of jest's global setup; no server is a failure).
// The conversation store: references, posted messages, status cards, and the send budget and card
// updates shared by every replica.
import { STORE_KITS, openPair, type StoreHandle, type StoreKit } from './support/storeKits';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(STORE_KITS)('the conversation store contract on %s', (_name, openKit) => {
  // Each case gets its own database (a SQLite file, a PostgreSQL schema) and makes the rows it needs.
  let kit: StoreKit;
  let other: StoreHandle;
  beforeEach(async () => ({ kit, other } = await openPair(openKit)));
  afterEach(async () => kit?.close());

  describe('conversations', () => {
    it('keeps references, posts each message once across replicas, and finds the run card', async () => {
      await kit.conversations.saveReference({ conversation: { id: 'c1' } as never, serviceUrl: 'http://x' });
      await other.conversations.saveReference({
        conversation: { id: 'c1' } as never,
        serviceUrl: 'http://y',
      });
      expect(await kit.conversations.getReference('c1')).toMatchObject({ serviceUrl: 'http://y' });
      expect(await kit.conversations.getReference('nope')).toBeNull();

      await kit.conversations.bindMessage('run-c', 'run', '', 'c1', 'act-run');
      // A replayed Start on another replica binds again: the first binding stands.
      await other.conversations.bindMessage('run-c', 'run', '', 'c2', 'act-replayed');
      expect(await other.conversations.conversationOf('run-c')).toBe('c1');
      const claims = await Promise.all([
        kit.conversations.claimMessage('run-c', 'approval', 's1', 'c1'),
        other.conversations.claimMessage('run-c', 'approval', 's1', 'c1'),
      ]);
      expect(claims.filter(Boolean)).toHaveLength(1);
      await other.conversations.setActivityId('run-c', 'approval', 's1', 'act-approval');
      await kit.conversations.releaseClaim('run-c', 'approval', 's1'); // sent: not released
      expect(await kit.conversations.claimMessage('run-c', 'manual', 's2', 'c1')).toBe(true);
      await kit.conversations.releaseClaim('run-c', 'manual', 's2'); // never sent: released
      // Same millisecond: the order between them is not part of the contract.
      const messages = await kit.conversations.messagesOf('run-c');
      expect(messages.sort((x, y) => x.kind.localeCompare(y.kind))).toEqual([
        { runId: 'run-c', kind: 'approval', stepId: 's1', conversationId: 'c1', activityId: 'act-approval' },
        { runId: 'run-c', kind: 'run', stepId: '', conversationId: 'c1', activityId: 'act-run' },
      ]);
    });

    it('an unconfirmed claim is taken over by the recovery, and its first claimer then no longer holds it', async () => {
      expect(await kit.conversations.claimMessage('run-t', 'completion', 'succeeded@9', 'c1', 'r1')).toBe(
        true,
      );
      expect(await kit.conversations.holdsClaim('run-t', 'completion', 'succeeded@9', 'r1')).toBe(true);
      expect(await other.conversations.holdsClaim('run-t', 'completion', 'succeeded@9', 'r2')).toBe(false);
      // r2 restarts and recovers: it takes the claim over; r1, slow but alive, finds it gone.
      expect(await other.conversations.takeOverClaim('run-t', 'completion', 'succeeded@9', 'r2')).toBe(true);
      expect(await kit.conversations.holdsClaim('run-t', 'completion', 'succeeded@9', 'r1')).toBe(false);
      expect(await other.conversations.holdsClaim('run-t', 'completion', 'succeeded@9', 'r2')).toBe(true);
      // Once sent (confirmed), nobody holds or takes it any more.
      await other.conversations.setActivityId('run-t', 'completion', 'succeeded@9', 'act-done');
      expect(await kit.conversations.takeOverClaim('run-t', 'completion', 'succeeded@9', 'r1')).toBe(false);
      expect(await other.conversations.holdsClaim('run-t', 'completion', 'succeeded@9', 'r2')).toBe(false);
      expect(await kit.conversations.takeOverClaim('run-t', 'completion', 'never', 'r1')).toBe(false);
    });

    it('keeps one status card per run and conversation, the newest, apart from the posted messages', async () => {
      await kit.conversations.bindStatusCard('run-s', 'c1', 'status-1');
      await other.conversations.bindStatusCard('run-s', 'c2', 'status-2');
      await sleep(5);
      await kit.conversations.bindStatusCard('run-s', 'c1', 'status-3');
      await kit.conversations.bindMessage('run-s', 'run', '', 'c1', 'card-1');
      expect(await other.conversations.cardsOf('run-s')).toEqual({
        messages: [{ runId: 'run-s', kind: 'run', stepId: '', conversationId: 'c1', activityId: 'card-1' }],
        statusCards: [
          { runId: 'run-s', conversationId: 'c2', activityId: 'status-2' },
          { runId: 'run-s', conversationId: 'c1', activityId: 'status-3' },
        ],
      });
      expect(await kit.conversations.messagesOf('run-s')).toEqual([
        { runId: 'run-s', kind: 'run', stepId: '', conversationId: 'c1', activityId: 'card-1' },
      ]);
      expect(await kit.conversations.conversationOf('run-s')).toBe('c1');
    });
  });

  describe('the send budget and card updates, for the bot as a whole', () => {
    it('allows no more sends per conversation than the limits, counting both replicas', async () => {
      const limits = [{ ms: 1_000, max: 7 }];
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          (i % 2 ? other : kit).conversations.reserveSend('busy', limits, `r${i % 2}`),
        ),
      );
      expect(answers.filter((wait) => wait === 0)).toHaveLength(7);
      const waits = answers.filter((wait) => wait > 0);
      expect(waits).toHaveLength(3);
      waits.forEach((wait) => expect(wait).toBeLessThanOrEqual(1_001));
      expect(await kit.conversations.reserveSend('quiet', limits, 'r0')).toBe(0);
      await sleep(Math.max(...waits));
      expect(await other.conversations.reserveSend('busy', limits, 'r1')).toBe(0);
    });

    it('holds every window: the short one lets sends through again, the long one then holds them', async () => {
      const limits = [
        { ms: 1_000, max: 3 },
        { ms: 60_000, max: 5 },
      ];
      const first = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          (i % 2 ? other : kit).conversations.reserveSend('windows', limits, `r${i % 2}`),
        ),
      );
      expect(first.filter((wait) => wait === 0)).toHaveLength(3);
      // Past the short window for all three (they may be some ms apart): two more fit it.
      await sleep(1_050);
      expect(await kit.conversations.reserveSend('windows', limits, 'r0')).toBe(0);
      expect(await other.conversations.reserveSend('windows', limits, 'r1')).toBe(0);
      // Five in the last minute: the next waits for the oldest of them to be a minute old.
      const held = await kit.conversations.reserveSend('windows', limits, 'r0');
      expect(held).toBeGreaterThan(50_000);
      expect(held).toBeLessThanOrEqual(60_001);
    });

    it('an update of one card version is claimed by one replica only, and never after a newer one', async () => {
      const results = await Promise.all([
        kit.conversations.claimCardUpdate('run-x:run:', 3, 'a'),
        other.conversations.claimCardUpdate('run-x:run:', 3, 'b'),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
      const [winner, loser] = results[0] ? [kit, other] : [other, kit];
      const [winnerName, loserName] = results[0] ? ['a', 'b'] : ['b', 'a'];
      // The winner may retry its own send; the other replica may not send that version.
      expect(await winner.conversations.claimCardUpdate('run-x:run:', 3, winnerName)).toBe(true);
      expect(await loser.conversations.claimCardUpdate('run-x:run:', 3, loserName)).toBe(false);
      expect(await kit.conversations.claimCardUpdate('run-x:run:', 2, 'a')).toBe(false);
      expect(await other.conversations.claimCardUpdate('run-x:run:', 4, 'b')).toBe(true);
      expect(await kit.conversations.claimCardUpdate('run-y:run:', 1, 'a')).toBe(true);
    });
  });
});
