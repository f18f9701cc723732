import { ServiceHints } from '../../../src/platform/dataverse/serviceHints';
import { StampPacer } from '../../../src/platform/dataverse/stampPacer';

/**
 * The pacer's use of the limits' sliding window, driven by readings as Dataverse writes them on
 * its answers (the HTTP path is covered in bootstrapPacing.test.ts). The probe here answers nothing:
 * it stands in for a `GET WhoAmI` that lands nowhere, so the only way back to budget is the window.
 */
describe('StampPacer and the limits window', () => {
  // A pacer still waiting at the end of a test is aborted (its acquire resolves undefined).
  const stops: Array<() => void> = [];
  afterEach(() => stops.splice(0).forEach((stop) => stop()));

  const answer = (hints: ServiceHints, secondsLeft: string, sentAt: number) =>
    hints.observe({
      status: 200,
      headers: {
        'x-ms-ratelimit-time-remaining-xrm-requests': secondsLeft,
        'x-ms-ratelimit-burst-remaining-xrm-requests': '5000',
        'x-ms-dop-hint': '4',
      },
      sentAt,
    });

  /**
   * Two batches of 50 spend a budget of 1.05 s (10 ms an operation) to its edge (3 operations are
   * kept in hand): a third would not fit until the first is out of the window.
   */
  async function spendToTheEdge(windowMs?: number) {
    const hints = new ServiceHints();
    const probe = jest.fn(async () => undefined);
    const controller = new AbortController();
    stops.push(() => {
      controller.abort();
      pacer.close();
    });
    const pacer = new StampPacer({ hints, concurrency: 4, probe, windowMs, signal: controller.signal });
    const pause = () => new Promise((resolve) => setTimeout(resolve, 5));
    answer(hints, '1.05', performance.now());
    const first = (await pacer.acquire(50))!.id;
    const sentAt = performance.now();
    pacer.sent(first, sentAt);
    answer(hints, '0.55', sentAt); // its answer: 0.50 s spent, the operation's cost learned
    pacer.release(first);
    await pause();
    answer(hints, '0.55', performance.now()); // a probe's answer, sharp about the first batch
    const second = (await pacer.acquire(50))!.id;
    pacer.sent(second, performance.now());
    pacer.release(second);
    await pause();
    answer(hints, '0.05', performance.now()); // a probe's answer: the budget is at its edge
    return { hints, pacer, probe, sentAt };
  }

  test('with the window known, a batch goes again once the first batch is out of the window, without a reading saying so', async () => {
    const { pacer, sentAt } = await spendToTheEdge(150);
    const third = await pacer.acquire(50);
    const waited = performance.now() - sentAt;
    expect(third).toBeDefined();
    // Not before the first batch's time is out of the window (sent + 150 ms), and soon after.
    expect(waited).toBeGreaterThanOrEqual(150);
    expect(waited).toBeLessThan(1_000);
  });

  test('without the window it waits for a reading: no answer, no batch', async () => {
    const { pacer, probe } = await spendToTheEdge(undefined);
    const third = Promise.race([
      pacer.acquire(50),
      new Promise((resolve) => setTimeout(() => resolve('still waiting'), 400)),
    ]);
    expect(await third).toBe('still waiting');
    // It looked: the probe was asked (and answered nothing).
    expect(probe).toHaveBeenCalled();
  });

  test('a reading of nothing left is not counted forward (it may hide how far past the edge the last batch went)', async () => {
    const { hints, pacer } = await spendToTheEdge(150);
    answer(hints, '0.00', performance.now());
    const third = Promise.race([
      pacer.acquire(50),
      new Promise((resolve) => setTimeout(() => resolve('still waiting'), 400)),
    ]);
    expect(await third).toBe('still waiting');
  });

  test('a batch is cut to the budget left when no time is due back within a round trip, and only down to the fewest asked', async () => {
    const hints = new ServiceHints();
    const controller = new AbortController();
    const pacer = new StampPacer({
      hints,
      concurrency: 4,
      probe: async () => undefined,
      windowMs: 10_000,
      signal: controller.signal,
    });
    stops.push(() => {
      controller.abort();
      pacer.close();
    });
    answer(hints, '1.05', performance.now());
    const first = (await pacer.acquire(50))!;
    expect(first.operations).toBe(50);
    const sentAt = performance.now();
    pacer.sent(first.id, sentAt);
    answer(hints, '0.55', sentAt); // 0.50 s for 50 operations: 10 ms each
    pacer.release(first.id);
    await new Promise((resolve) => setTimeout(resolve, 5));
    answer(hints, '0.55', performance.now()); // a probe's: 55 operations left, 52 past the headroom
    // The first batch's time is back only in 10 s: 52 go now rather than 80 then.
    const cut = (await pacer.acquire(80, 40))!;
    expect(cut.operations).toBe(52);
    pacer.sent(cut.id, performance.now());
    pacer.release(cut.id);
    // Nothing left: not even the fewest fits, so it waits.
    const next = Promise.race([
      pacer.acquire(80, 1),
      new Promise((resolve) => setTimeout(() => resolve('still waiting'), 200)),
    ]);
    expect(await next).toBe('still waiting');
  });

  test('the first round goes at once while the budget covers it at a cautious cost, and its cost is learned from a probe after its last answer', async () => {
    const hints = new ServiceHints();
    const controller = new AbortController();
    // The probe's answer: 2 s spent over the round's 200 operations, 10 ms each.
    const probe = jest.fn(async () => answer(hints, '38.00', performance.now()));
    const pacer = new StampPacer({
      hints,
      concurrency: 4,
      probe,
      windowMs: 10_000,
      signal: controller.signal,
    });
    stops.push(() => {
      controller.abort();
      pacer.close();
    });
    answer(hints, '40.00', performance.now()); // covers 800 operations at 50 ms: all four go
    const round = await Promise.all([1, 2, 3, 4].map(() => pacer.acquire(50)));
    expect(round.map((grant) => grant?.operations)).toEqual([50, 50, 50, 50]);
    for (const grant of round) pacer.sent(grant!.id, performance.now());
    // The cost is not known yet: nothing more goes, and no probe while the round is out.
    const fifth = pacer.acquire(50);
    const early = await Promise.race([
      fifth,
      new Promise((resolve) => setTimeout(() => resolve('still waiting'), 100)),
    ]);
    expect(early).toBe('still waiting');
    expect(probe).not.toHaveBeenCalled();
    for (const grant of round) pacer.release(grant!.id);
    // All answered: the probe goes, its reading teaches the cost, and the next batch follows.
    expect((await fifth)?.operations).toBe(50);
    expect(probe).toHaveBeenCalledTimes(1);
  });
});
