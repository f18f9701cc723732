import { messageLink } from '../../src/bot/teamsLinks';

describe('links back to a posted card', () => {
  it('a message in a channel thread links with its channel and the thread root', () => {
    const link = messageLink({
      conversationId: '19:abc@thread.tacv2;messageid=1648741500652',
      activityId: '1648741509999',
      tenantId: 'tenant-1',
    });
    const url = new URL(link!);
    expect(url.origin + decodeURIComponent(url.pathname)).toBe(
      'https://teams.microsoft.com/l/message/19:abc@thread.tacv2/1648741509999',
    );
    expect(url.searchParams.get('parentMessageId')).toBe('1648741500652');
    expect(url.searchParams.get('tenantId')).toBe('tenant-1');
  });

  it('a message in a group chat links with the chat context', () => {
    const url = new URL(messageLink({ conversationId: '19:chat@thread.v2', activityId: '1563480968434' })!);
    expect(decodeURIComponent(url.pathname)).toBe('/l/message/19:chat@thread.v2/1563480968434');
    expect(JSON.parse(url.searchParams.get('context')!)).toEqual({ contextType: 'chat' });
  });

  it('a personal chat with the bot has no documented message link', () => {
    expect(messageLink({ conversationId: 'a:1xyz', activityId: '1' })).toBeUndefined();
    expect(messageLink({ conversationId: '19:x@thread.v2', activityId: '' })).toBeUndefined();
  });
});
