import { completionFacts, completionSentence, mapsRunning } from '../../src/bot/views/completionSummary';
import type { Run, StepState } from '../../src/engine/model';

const step = (kind: string, status: string, output: Record<string, unknown> = {}) =>
  ({ id: kind, kind, title: kind, status, output }) as unknown as StepState;

const run = (steps: StepState[], status: Run['status'] = 'succeeded') =>
  ({
    id: '55081de0-aaaa-bbbb-cccc-000000000000',
    status,
    requestedBy: { id: 'aad-alex', name: 'Alex Admin' },
    createdAt: '2026-11-27T10:00:00.000Z',
    updatedAt: '2026-11-27T10:01:12.000Z',
    finishedAt: '2026-11-27T10:01:12.000Z',
    steps,
  }) as unknown as Run;

describe('the completion message', () => {
  it('new-new: no bootstrap and no initial sync, so no rows figures', () => {
    const facts = completionFacts(
      run([
        step('linkEnvironments', 'succeeded'),
        step('verifySetup', 'succeeded', { mapsRunning: ['A', 'B'] }),
      ]),
    );
    expect(facts).toEqual([
      { title: 'Run', value: '55081de0' },
      { title: 'Took', value: '1 min 12 s' },
      { title: 'Maps running', value: '2' },
    ]);
  });

  it('new-existing: rows stamped and synced, summed over the steps that produced them', () => {
    const facts = completionFacts(
      run([
        step('bootstrapCompanyData', 'succeeded', { rowsStamped: 300 }),
        step('initialSync', 'succeeded', { rowsSynced: 1200 }),
        step('initialSync', 'succeeded', { rowsSynced: 34 }),
      ]),
    );
    expect(facts.slice(2)).toEqual([
      { title: 'Rows stamped', value: '300' },
      { title: 'Rows synced', value: '1,234' },
    ]);
  });

  it('a skipped bootstrap shows no stamped figure', () => {
    const facts = completionFacts(run([step('bootstrapCompanyData', 'skipped')]));
    expect(facts.map((f) => f.title)).toEqual(['Run', 'Took']);
  });

  it('says the outcome with the mention, in one sentence', () => {
    const mention = '<at>Alex Admin</at>';
    expect(completionSentence(run([]), mention, 'New F&O, new Dataverse')).toBe(
      '<at>Alex Admin</at>, the dual-write setup completed (New F&O, new Dataverse): the maps run live.',
    );
    const failed = run(
      [{ ...step('bootstrapCompanyData', 'failed'), title: 'Stamp rows' } as StepState],
      'failed',
    );
    expect(completionSentence(failed, mention, 'X')).toBe(
      '<at>Alex Admin</at>, the setup (X) failed at "Stamp rows". The run card has Retry and Cancel.',
    );
  });

  it('lists each running map once', () => {
    expect(
      mapsRunning(
        run([
          step('a', 'succeeded', { mapsRunning: ['M1', 'M2'] }),
          step('b', 'succeeded', { mapsRunning: ['M2'] }),
        ]),
      ),
    ).toEqual(['M1', 'M2']);
  });
});
