import diagnosticsChannel from 'node:diagnostics_channel';
import { foregroundInFlight } from '../../src/foreground';
import { startHarness, type Harness } from '../support/botHarness';
import { reachContosoConfirmation } from '../support/scenarioDriver';
import { newConversation, user } from '../support/teamsClient';

/**
 * Which turns go first (src/foreground.ts): a card action is foreground work while it runs, so the
 * engine waits for it; a typed message is not, since its replies go through the Bot Connector and a
 * slow connector would hold the runs back. Seen from the servers this process runs (the emulator and
 * the local connector): how many card actions were in flight when each request reached them.
 */
const admin = user('Alex Admin');

describe('which turns go first', () => {
  let h: Harness;
  const seen: Array<{ url: string; clicks: number }> = [];
  const record = (message: unknown) => {
    const { request } = message as { request: { url?: string } };
    seen.push({ url: request.url ?? '', clicks: foregroundInFlight() });
  };

  beforeAll(async () => {
    h = await startHarness();
    diagnosticsChannel.subscribe('http.server.request.start', record);
  });
  afterAll(async () => {
    diagnosticsChannel.unsubscribe('http.server.request.start', record);
    await h?.close();
  });

  it('a typed message replies with no card action in flight', async () => {
    seen.length = 0;
    await h.client.say(admin, newConversation(), 'help');
    const replies = seen.filter((s) => s.url.startsWith('/v3/conversations/'));
    expect(replies.length).toBeGreaterThan(0);
    expect(replies.map((r) => r.clicks)).toEqual(replies.map(() => 0));
  });

  it('a Review reads Dynamics 365 as a card action in flight, and no count outlives its click', async () => {
    seen.length = 0;
    await reachContosoConfirmation(h, admin, { financeOpsName: 'clicks-first-fo', companyCode: 'CFA' });
    const dataverseReads = seen.filter((s) => s.url.includes('/api/data/'));
    expect(dataverseReads.length).toBeGreaterThan(0);
    expect(dataverseReads.some((r) => r.clicks === 1)).toBe(true);
    expect(foregroundInFlight()).toBe(0);
  });
});
