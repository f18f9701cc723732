import Database from 'better-sqlite3';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/log';
import { startBot, type RunningBot } from '../../src/index';
import { startHarness, type Harness } from '../support/botHarness';
import { eventually } from '../support/eventually';
import { noticeTextOf } from '../support/localConnector';
import { driveScenario } from '../support/scenarioDriver';
import { user } from '../support/teamsClient';

/**
 * The completion notice across a crash between claiming it and sending it (docs/reliability.md):
 * the replica that claimed it died before Teams confirmed the message. The bot restarted on the same
 * store takes that unconfirmed claim over in its recovery and posts the notice, once; the dead
 * replica's claim is gone, so were it only slow it would skip its send. The crash window is made by
 * rewriting the stored message to what it is between the claim and the confirmation.
 */
const requester = user('Alex Admin');
const approver = user('Priya Approver');
const env = { APPROVERS: approver.aadObjectId, ADMINS: requester.aadObjectId };

describe('a completion notice claimed but never confirmed', () => {
  let h: Harness | undefined;
  let restarted: RunningBot | undefined;
  afterEach(async () => {
    await restarted?.close();
    await h?.connector.stop();
  });

  it('is posted once by the restarted bot, which now holds the claim', async () => {
    const harness = await startHarness(env);
    h = harness;
    const run = await driveScenario(harness, {
      scenario: 'new-new',
      inputs: { financeOpsName: 'nr-fo', dataverseName: 'nr-dv' },
      requester,
      approver,
    });
    const notices = () =>
      harness.connector
        .inConversation(run.conversation.id)
        .filter((m) => noticeTextOf(m.activity).includes(`<at>${requester.name}</at>`));
    expect(notices()).toHaveLength(1);
    // Stop the bot, keep the connector (Teams) up, and put the notice back to claimed-not-confirmed.
    await harness.bot.close();
    const file = path.join(harness.dataDir, 'bot.sqlite');
    const db = new Database(file);
    const rewritten = db
      .prepare(
        "UPDATE run_messages SET activity_id = NULL, claimed_by = 'crashed-replica' WHERE run_id = ? AND kind = 'completion'",
      )
      .run(run.runId);
    db.close();
    expect(rewritten.changes).toBe(1);

    // The harness's settings, on the same data directory.
    restarted = await startBot(
      loadConfig({
        PORT: '0',
        EMULATOR_PORT: '0',
        DATA_DIR: harness.dataDir,
        EMULATOR_TIME_SCALE: '0.0002',
        LOG_LEVEL: 'silent',
        ...env,
      }),
      {
        logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
        queue: { updateIntervalMs: 100, baseDelayMs: 20 },
        engine: { pollIntervalMs: 25 },
      },
    );
    await eventually(async () => notices().length === 2, 10_000, 'the notice posted again');
    const stored = () => {
      const check = new Database(file, { readonly: true });
      try {
        return check
          .prepare(
            "SELECT activity_id, claimed_by FROM run_messages WHERE run_id = ? AND kind = 'completion'",
          )
          .get(run.runId) as { activity_id: string | null; claimed_by: string | null };
      } finally {
        check.close();
      }
    };
    // Confirmed under the restarted bot's claim ('local': the SQLite store's one replica), so the
    // crashed replica, were it only slow, no longer holds it and skips its send.
    await eventually(async () => stored().activity_id !== null, 5_000, 'the notice confirmed');
    expect(stored()).toEqual({ activity_id: notices()[1].id, claimed_by: 'local' });
    // Nothing more arrives: the recovery posted it once.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(notices()).toHaveLength(2);
  });
});
