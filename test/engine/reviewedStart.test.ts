// Start goes on from the plan of its Review (stored with it), on whichever replica takes the click:
// the click reads nothing from Dynamics while the Review's findings stand (30 minutes), and plans
// and checks again after that.
import type { Platform } from '../../src/engine/ports';
import { FakeDynamics } from './fakes/fakePlatform';
import { ManualClock } from './fakes/manualClock';
import { alice, createHarness, newExistingInput, reviewed, tempDbFile, type Harness } from './engineHarness';

const newExisting = newExistingInput;

/**
 * The platform with every call counted while `counting` is on (the factories too: a client is made
 * per environment URL), so a Start can be shown to read nothing.
 */
function counted(platform: Platform): { platform: Platform; calls: string[]; counting: { on: boolean } } {
  const calls: string[] = [];
  const counting = { on: false };
  const wrap = <T extends object>(target: T, path: string): T =>
    new Proxy(target, {
      get(object, key, receiver) {
        const value = Reflect.get(object, key, receiver) as unknown;
        if (typeof value === 'function') {
          return (...args: unknown[]) => {
            if (counting.on) calls.push(`${path}.${String(key)}`);
            const result = (value as (...a: unknown[]) => unknown).apply(object, args);
            return result && typeof result === 'object' && !(result instanceof Promise)
              ? wrap(result, `${path}.${String(key)}()`)
              : result;
          };
        }
        return value && typeof value === 'object' ? wrap(value, `${path}.${String(key)}`) : value;
      },
    });
  return { platform: wrap(platform, 'platform'), calls, counting };
}

describe('a Start from its Review', () => {
  const harnesses: Harness[] = [];
  afterEach(async () => {
    for (const h of harnesses.splice(0)) await h.close();
  });

  it('on another replica, starts the reviewed plan without reading Dynamics', async () => {
    const dynamics = new FakeDynamics();
    const clock = new ManualClock();
    const file = tempDbFile();
    const first = createHarness(dynamics.platform(), clock, {}, file);
    const watched = counted(dynamics.platform());
    const second = createHarness(watched.platform, clock, {}, file);
    harnesses.push(first, second);

    const review = await first.engine.preview(newExisting);
    expect(review.reviewToken).toBeDefined();
    watched.counting.on = true;
    const started = await second.engine.start(newExisting, alice, review.reviewToken as string);
    watched.counting.on = false;
    expect(started.ok).toBe(true);
    expect(watched.calls).toEqual([]);
    if (!started.ok) return;
    expect(started.run.steps.map((s) => s.kind)).toEqual(review.steps.map((s) => s.kind));
  });

  it('reads Dynamics again once the Review is older than 30 minutes', async () => {
    const dynamics = new FakeDynamics();
    const clock = new ManualClock();
    const watched = counted(dynamics.platform());
    const h = createHarness(watched.platform, clock);
    harnesses.push(h);
    const token = await reviewed(h.engine, newExisting);
    clock.advance(30 * 60_000 + 1);
    watched.counting.on = true;
    const started = await h.engine.start(newExisting, alice, token);
    watched.counting.on = false;
    expect(started.ok).toBe(true);
    expect(watched.calls.length).toBeGreaterThan(0);
  });
});
