import { systemClock } from '../../src/engine/systemClock';
import type { Run } from '../../src/engine/model';
import { MAX_TIMER_DELAY_MS, timerDelay } from '../../src/timerDelay';
import { FakeDynamics } from '../engine/fakes/fakePlatform';
import { alice, createHarness, newExistingInput, reviewed, type Harness } from '../engine/engineHarness';

// Node fires a timer above 2^31-1 ms after 1 ms (with a TimeoutOverflowWarning): a run waiting for a
// far approval deadline would spin. Every delay passes through src/timerDelay.ts. The spy counts how
// often a timer asked for that far away actually fires while the run waits.

const realSetTimeout = global.setTimeout;
let farFirings = 0;
let warnings: string[] = [];
const onWarning = (warning: Error) => warnings.push(warning.name);

beforeEach(() => {
  farFirings = 0;
  warnings = [];
  process.on('warning', onWarning);
  jest.spyOn(global, 'setTimeout').mockImplementation(((
    callback: (...args: unknown[]) => void,
    ms?: number,
    ...args: unknown[]
  ) =>
    realSetTimeout(() => {
      if ((ms ?? 0) >= MAX_TIMER_DELAY_MS) farFirings += 1;
      callback(...args);
    }, ms)) as unknown as typeof setTimeout);
});

afterEach(() => {
  process.off('warning', onWarning);
  jest.restoreAllMocks();
});

const pause = (ms: number) => new Promise((resolve) => realSetTimeout(resolve, ms));

describe('timers never overflow', () => {
  it('clamps a delay to what a Node timer honours', () => {
    expect(timerDelay(2 ** 40)).toBe(MAX_TIMER_DELAY_MS);
    expect(timerDelay(-5)).toBe(0);
    expect(timerDelay(Number.NaN)).toBe(0);
    expect(timerDelay(1.2)).toBe(2);
  });

  it('a sleep of 2^40 ms neither warns nor ends early', async () => {
    const abort = new AbortController();
    let ended = false;
    const sleeping = systemClock.sleep(2 ** 40, abort.signal).then(
      () => (ended = true),
      () => undefined,
    );
    await pause(100);
    expect(ended).toBe(false);
    expect(farFirings).toBe(0);
    abort.abort();
    await sleeping;
    expect(warnings).not.toContain('TimeoutOverflowWarning');
  });

  describe('a run waiting for an approval due in 2^40 ms', () => {
    let h: Harness;
    afterEach(async () => h?.close());

    it('waits without waking (no busy loop)', async () => {
      h = createHarness(new FakeDynamics().platform(), systemClock, {
        approvalTimeoutMs: 2 ** 40,
        approvalReminderMs: 60_000,
      });
      const input = newExistingInput;
      const started = await h.engine.start(input, alice, await reviewed(h.engine, input));
      if (!started.ok) throw new Error(started.message);
      await h.engine.whenIdle();
      const run = (await h.engine.get(started.run.id)) as Run;
      expect(run.steps.some((s) => s.status === 'awaiting_approval')).toBe(true);
      await pause(300);
      expect(farFirings).toBe(0);
      expect(warnings).not.toContain('TimeoutOverflowWarning');
    });
  });
});
