import { Roster, rosterKey, type MemberPage } from '../../src/bot/audience/roster';

describe('the conversation roster', () => {
  const pages: Record<string, MemberPage> = {
    first: { members: [{ id: '29:a', aadObjectId: 'aad-a', name: 'A' }], continuationToken: 'next' },
    next: { members: [{ id: '29:b', aadObjectId: 'aad-b', name: 'B' }] },
  };

  it('reads every page, then answers from cache until it expires', async () => {
    let now = 0;
    let calls = 0;
    const roster = new Roster(60_000, () => now);
    const fetch = async (token?: string) => {
      calls += 1;
      return pages[token ?? 'first'];
    };
    expect((await roster.members('c', fetch)).map((m) => m.id)).toEqual(['29:a', '29:b']);
    expect(calls).toBe(2);
    now = 59_000;
    await roster.members('c', fetch);
    expect(calls).toBe(2);
    now = 61_000;
    await roster.members('c', fetch);
    expect(calls).toBe(4);
  });

  it('stops at the maximum', async () => {
    const roster = new Roster();
    const members = await roster.members('c', async (token) => pages[token ?? 'first'], 1);
    expect(members).toHaveLength(1);
  });

  it('a channel thread shares the channel roster', () => {
    expect(rosterKey('19:abc@thread.tacv2;messageid=123')).toBe('19:abc@thread.tacv2');
    expect(rosterKey('a:personal')).toBe('a:personal');
  });
});
