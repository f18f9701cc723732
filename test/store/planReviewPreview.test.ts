// The reviewed plan travels with its Review (both stores, a second replica reading it), so a Start
// on any replica goes on from what the admin saw (src/engine/planReviews.ts).
import type { PlanPreview } from '../../src/engine/model';
import { run } from './support/runFixture';
import { STORE_KITS, type StoreHandle, type StoreKit } from './support/storeKits';

const preview = {
  scenario: 'new-existing',
  input: { scenario: 'new-existing', companyCode: 'CTSO' },
  steps: [{ id: 'step-1', kind: 'checkPrerequisites', title: 'Check the prerequisites' }],
  findings: [{ code: 'rows-many', severity: 'warning', message: 'Many rows.', advice: 'Plan a window.' }],
  canStart: true,
  tableNames: { accounts: 'Accounts' },
} as unknown as PlanPreview;

describe.each(STORE_KITS)('a Review with its plan on %s', (_name, openKit) => {
  let kit: StoreKit;
  let other: StoreHandle;
  beforeEach(async () => {
    kit = await openKit();
    other = await kit.replica();
  });
  afterEach(async () => kit?.close());

  it('gives another replica the reviewed plan as it was recorded', async () => {
    await kit.runs.recordReview(
      { token: 't1', inputKey: 'k1', reviewedAt: '2025-01-06T09:00:00.000Z', preview },
      '2025-01-05T09:00:00.000Z',
    );
    expect((await other.runs.startContext('t1')).review).toEqual({
      token: 't1',
      inputKey: 'k1',
      reviewedAt: '2025-01-06T09:00:00.000Z',
      preview,
    });
  });

  it('answers a Review recorded without a plan with none', async () => {
    await kit.runs.recordReview(
      { token: 't2', inputKey: 'k2', reviewedAt: '2025-01-06T09:00:00.000Z' },
      '2025-01-05T09:00:00.000Z',
    );
    const review = (await other.runs.startContext('t2')).review;
    expect(review).toMatchObject({ token: 't2' });
    expect(review).not.toHaveProperty('preview');
  });

  it("gives a Start its token's run, Review and the newest Review of the input, in one read", async () => {
    const blocked = { ...preview, canStart: false } as PlanPreview;
    await kit.runs.recordReview(
      { token: 'a', inputKey: 'same', reviewedAt: '2025-01-06T09:00:00.000Z', preview },
      '2025-01-05T09:00:00.000Z',
    );
    await other.runs.recordReview(
      { token: 'b', inputKey: 'same', reviewedAt: '2025-01-06T09:05:00.000Z', preview: blocked },
      '2025-01-05T09:00:00.000Z',
    );
    await kit.runs.recordReview(
      { token: 'c', inputKey: 'other', reviewedAt: '2025-01-06T09:10:00.000Z', preview },
      '2025-01-05T09:00:00.000Z',
    );
    expect(await kit.runs.startContext('a')).toMatchObject({
      run: null,
      review: { token: 'a', preview: { canStart: true } },
      latest: { token: 'b', preview: { canStart: false } },
    });
    expect(await other.runs.startContext('none')).toEqual({ run: null, review: null, latest: null });
    await kit.runs.create(run('started', 'fo=s|dv=s'), 'c', []);
    expect(await other.runs.startContext('c')).toMatchObject({
      run: { id: 'started', rev: 1 },
      review: { token: 'c' },
      latest: { token: 'c' },
    });
  });
});
