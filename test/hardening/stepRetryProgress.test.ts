import { FakeDynamics } from '../engine/fakes/fakePlatform';
import { instantClock } from '../engine/fakes/manualClock';
import { alice, createHarness, reviewed, type Harness } from '../engine/engineHarness';
import type { Run } from '../../src/engine/model';

/**
 * Found by the soak: "run the maps" is 22 non-idempotent map starts (a 5xx on one is not retried by
 * the HTTP policy; the step is), and the step had a fixed number of attempts in all. Under steady
 * transient faults it ran out of attempts while every attempt was starting more maps, and the run
 * failed. Attempts that make progress no longer use up the budget. Deterministic: every other map
 * start fails with a 503, against a budget of 3 attempts.
 */
describe('a step that makes progress between transient faults', () => {
  let h: Harness | undefined;
  afterEach(async () => h?.close());

  it('runs all 22 maps although every other map start fails', async () => {
    const dyn = new FakeDynamics();
    let calls = 0;
    dyn.hooks.set('runMap', async () => {
      calls += 1;
      if (calls % 2 === 0)
        throw Object.assign(new Error('The service is temporarily unavailable.'), { status: 503 });
    });
    h = createHarness(dyn.platform(), instantClock, {
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
    });
    const input = { scenario: 'new-new', financeOpsName: 'fo-retry', dataverseName: 'dv-retry' };
    const started = await h.engine.start(input, alice, await reviewed(h.engine, input));
    if (!started.ok) throw new Error(started.message);
    await h.engine.whenIdle();
    const run = (await h.engine.get(started.run.id)) as Run;
    const maps = run.steps.find((s) => s.kind === 'enableEntityMaps')!;
    expect({ run: run.status, maps: maps.status, error: maps.error ?? null }).toEqual({
      run: 'succeeded',
      maps: 'succeeded',
      error: null,
    });
    const mapStarts = [...dyn.effects.keys()].filter((key) => key.startsWith('runMap:'));
    expect(mapStarts).toHaveLength(22);
    expect(mapStarts.every((key) => dyn.effects.get(key) === 1)).toBe(true);
    // Far more transient faults than the budget of 3: only attempts without progress count.
    const retries = (await h.engine.audit(run.id)).filter(
      (e) => e.action === 'step.retrying' && e.stepId === maps.id,
    );
    expect(retries.length).toBeGreaterThan(10);
  });

  it('still gives up when the faults make no progress at all', async () => {
    const dyn = new FakeDynamics();
    dyn.hooks.set('runMap', async () => {
      throw Object.assign(new Error('The service is temporarily unavailable.'), { status: 503 });
    });
    h = createHarness(dyn.platform(), instantClock, {
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
    });
    const input = { scenario: 'new-new', financeOpsName: 'fo-stuck', dataverseName: 'dv-stuck' };
    const started = await h.engine.start(input, alice, await reviewed(h.engine, input));
    if (!started.ok) throw new Error(started.message);
    await h.engine.whenIdle();
    const run = (await h.engine.get(started.run.id)) as Run;
    const maps = run.steps.find((s) => s.kind === 'enableEntityMaps')!;
    expect(run.status).toBe('failed');
    expect(maps.error?.message).toContain('still failing after 3 attempts');
  });
});
