import { Roster, rosterKey, type MemberPage } from '../../src/bot/audience/roster';

describe('the conversation roster', () => {
  const pages: Record<string, MemberPage> = {
    first: { members: [{ id: '29:a', aadObjectId: 'aad-a', name: 'A' }], continuationToken: 'next' },
    next: { members: [{ id: '29:b', aadObjectId: 'aad-b', name: 'B' }] },
  };

  it('reads every page, then answers from cache until it expires', async () => {
    let now = 0;
    let calls = 0;
    const roster = new Roster({ ttlMs: 60_000, now: () => now });
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

  it('peek never waits: nothing before the first read, then the cached (even expired) members', async () => {
    let now = 0;
    let calls = 0;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const roster = new Roster({ ttlMs: 60_000, now: () => now });
    const fetch = async (token?: string) => {
      calls += 1;
      await gate;
      return pages[token ?? 'first'];
    };
    expect(roster.peek('c', fetch)).toBeUndefined();
    // A second asker while the read is under way shares it.
    expect(roster.peek('c', fetch)).toBeUndefined();
    const waiting = roster.members('c', fetch);
    release();
    expect((await waiting).map((m) => m.id)).toEqual(['29:a', '29:b']);
    expect(calls).toBe(2);
    now = 61_000;
    // Expired: the old members at once, a read behind them.
    expect(roster.peek('c', fetch)?.map((m) => m.id)).toEqual(['29:a', '29:b']);
    await roster.members('c', fetch);
    expect(calls).toBe(4);
  });

  it('remembers a failed read briefly instead of asking on every card', async () => {
    let now = 0;
    let calls = 0;
    const roster = new Roster({ failureTtlMs: 30_000, now: () => now });
    const failing = async () => {
      calls += 1;
      throw new Error('connector down');
    };
    await expect(roster.members('c', failing)).rejects.toThrow('connector down');
    await expect(roster.members('c', failing)).rejects.toThrow('could not be read');
    expect(roster.peek('c', failing)).toBeUndefined();
    expect(calls).toBe(1);
    now = 31_000;
    await expect(roster.members('c', failing)).rejects.toThrow('connector down');
    expect(calls).toBe(2);
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
