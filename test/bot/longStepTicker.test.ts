import { LongStepTicker } from '../../src/bot/longStepTicker';
import { sampleRun } from '../support/runFixtures';

// The run card of a long step moves: once a minute while the step runs, never for a finished run.

describe('the long-step ticker', () => {
  const started = Date.parse('2026-11-27T10:00:00Z');

  function setup() {
    let now = started + 30_000;
    const run = sampleRun();
    run.status = 'running';
    for (const step of run.steps) step.status = 'succeeded';
    run.steps[0].status = 'running';
    run.steps[0].startedAt = new Date(started).toISOString();
    const rendered: number[] = [];
    const ticker = new LongStepTicker({
      load: async () => run,
      rerender: () => rendered.push(now),
      everyMs: 3_600_000,
      now: () => now,
    });
    return { run, ticker, rendered, at: (ms: number) => (now = started + ms) };
  }

  it('re-renders a running step a minute after its card was last rendered, not before', async () => {
    const { run, ticker, rendered, at } = setup();
    ticker.rendered(run);
    at(60_000);
    await ticker.tick();
    expect(rendered).toEqual([]);
    at(91_000);
    await ticker.tick();
    expect(rendered).toEqual([started + 91_000]);
    at(120_000);
    await ticker.tick();
    expect(rendered).toHaveLength(1);
    ticker.stop();
  });

  it('forgets a run once it finished', async () => {
    const { run, ticker, rendered, at } = setup();
    ticker.rendered(run);
    run.status = 'succeeded';
    run.steps[0].status = 'succeeded';
    at(600_000);
    await ticker.tick();
    expect(rendered).toEqual([]);
    ticker.stop();
  });
});
