import {
  MAX_REFRESH_USERS,
  approvalViewerOf,
  namesList,
  refreshBlock,
  refreshUserIds,
  sharedWaitingText,
  waitingForApproverText,
  type Member,
} from '../../src/bot/audience/viewerRules';

// Who sees what: the pure rules behind the per-user cards (wired into the cards in the bot tests).

const alex = { id: 'aad-alex', name: 'Alex Admin' };
const priya = { id: 'aad-priya', name: 'Priya Approver' };
const megan = { id: 'aad-megan', name: 'Megan Bowen' };

describe('the approval card per viewer', () => {
  it('an approver gets the buttons, the requester the waiting line, everyone else a read-only card', () => {
    expect(approvalViewerOf(priya, alex, true)).toBe('approver');
    expect(approvalViewerOf(alex, alex, false)).toBe('requester');
    expect(approvalViewerOf({ id: 'AAD-ALEX', name: 'Alex Admin' }, alex, false)).toBe('requester');
    expect(approvalViewerOf(megan, alex, false)).toBe('bystander');
  });

  it('a requester who may decide (four eyes off) is an approver', () => {
    expect(approvalViewerOf(alex, alex, true)).toBe('approver');
  });
});

describe("the requester's waiting line", () => {
  it('names the approvers, never the requester under four eyes', () => {
    expect(waitingForApproverText([alex, priya, megan], alex, { anyone: false, fourEyes: true })).toBe(
      'Waiting for an approver (Priya Approver or Megan Bowen).',
    );
  });

  it('keeps the requester when four eyes are off', () => {
    expect(waitingForApproverText([alex, priya], alex, { anyone: false, fourEyes: false })).toBe(
      'Waiting for an approver (Alex Admin or Priya Approver).',
    );
  });

  it('says "anyone except" when no approvers are configured', () => {
    expect(waitingForApproverText([], alex, { anyone: true, fourEyes: true })).toBe(
      'Waiting for an approver: anyone in this conversation except Alex Admin.',
    );
  });

  it('falls back to a plain line when nobody else is known', () => {
    expect(waitingForApproverText([alex], alex, { anyone: false, fourEyes: true })).toBe(
      'Waiting for an approver.',
    );
  });

  it('shortens long lists', () => {
    expect(namesList(['A', 'B', 'C', 'D', 'E'])).toBe('A, B, C or 2 more');
    expect(namesList(['A', 'A'])).toBe('A');
    expect(namesList([])).toBe('');
  });
});

describe('refresh.userIds', () => {
  const roster: Member[] = Array.from({ length: 80 }, (_, i) => ({
    id: `29:user-${i}`,
    aadObjectId: `aad-${i}`,
    name: `User ${i}`,
  }));

  it('lists the MRIs of the wanted members, requester first, each once, in the order asked', () => {
    expect(refreshUserIds(roster, ['aad-3', 'aad-1', 'AAD-3', 'aad-unknown', '29:user-7'])).toEqual([
      '29:user-3',
      '29:user-1',
      '29:user-7',
    ]);
  });

  it('never lists more than 60 (Teams refreshes at most 60 users)', () => {
    const all = refreshUserIds(
      roster,
      roster.map((m) => m.aadObjectId!),
    );
    expect(all).toHaveLength(MAX_REFRESH_USERS);
    expect(all[0]).toBe('29:user-0');
    expect(refreshUserIds(roster, ['aad-1', 'aad-2', 'aad-3'], 2)).toEqual(['29:user-1', '29:user-2']);
  });

  it('adds no refresh when nobody is listed, and caps a long list', () => {
    expect(refreshBlock('run.view', { runId: 'r' }, [])).toBeUndefined();
    const block = refreshBlock(
      'run.view',
      { runId: 'r' },
      roster.map((m) => m.id),
    );
    expect(block?.userIds).toHaveLength(60);
    expect(block?.action).toEqual({
      type: 'Action.Execute',
      title: 'Refresh',
      verb: 'run.view',
      data: { runId: 'r' },
    });
  });
});

describe('the shared wording', () => {
  it('never says "you"', () => {
    const texts = [
      sharedWaitingText([{ status: 'awaiting_approval' }]),
      sharedWaitingText([{ status: 'awaiting_manual' }]),
      sharedWaitingText([{ status: 'awaiting_manual' }, { status: 'awaiting_approval' }]),
      sharedWaitingText([]),
    ];
    expect(texts).toEqual([
      'Waiting for an approver',
      'Waiting for an admin to do a manual step',
      'Waiting for an approver and a manual step',
      'Waiting',
    ]);
    for (const text of texts) expect(text).not.toMatch(/\byou\b/i);
  });
});
