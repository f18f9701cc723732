import { SendQueue, type RateWindow } from '../../src/bot/sendQueue';

/**
 * The per-conversation queue: updates of one message coalesce with the latest content always
 * delivered, sends stay within every rate window, retriable failures are retried, and enqueueing
 * never waits. Windows are scaled down (tens of ms) so the test runs quickly; counts are asserted,
 * not durations.
 */
function maxInAnyWindow(times: number[], windowMs: number): number {
  let max = 0;
  for (let i = 0; i < times.length; i += 1) {
    const inWindow = times.filter((t) => t >= times[i] && t < times[i] + windowMs).length;
    max = Math.max(max, inWindow);
  }
  return max;
}

describe('SendQueue', () => {
  it('coalesces updates of one message and always delivers the final content', async () => {
    const queue = new SendQueue({ updateIntervalMs: 50, limits: [{ ms: 1000, max: 1000 }] });
    const delivered: number[] = [];
    for (let version = 1; version <= 200; version += 1) {
      queue.update('conv', 'run-card', async () => {
        delivered.push(version);
      });
      if (version % 50 === 0) await new Promise((resolve) => setTimeout(resolve, 60));
    }
    await queue.whenIdle();
    expect(delivered[delivered.length - 1]).toBe(200);
    expect(delivered.length).toBeLessThan(20);
    expect([...delivered].sort((a, b) => a - b)).toEqual(delivered);
  });

  it('keeps every send within each rate window of its conversation', async () => {
    const limits: RateWindow[] = [
      { ms: 100, max: 7 },
      { ms: 200, max: 8 },
      { ms: 600, max: 20 },
    ];
    const queue = new SendQueue({ limits, updateIntervalMs: 0 });
    const times: number[] = [];
    for (let i = 0; i < 40; i += 1) {
      queue.send('conv', async () => {
        times.push(Date.now());
      });
    }
    await queue.whenIdle();
    expect(times).toHaveLength(40);
    for (const window of limits) expect(maxInAnyWindow(times, window.ms)).toBeLessThanOrEqual(window.max);
  });

  it('does not let one busy conversation hold back another', async () => {
    const queue = new SendQueue({ limits: [{ ms: 300, max: 2 }], updateIntervalMs: 0 });
    const order: string[] = [];
    for (let i = 0; i < 6; i += 1) queue.send('busy', async () => void order.push('busy'));
    queue.send('quiet', async () => void order.push('quiet'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(order).toContain('quiet');
    expect(order.filter((o) => o === 'busy')).toHaveLength(2);
    await queue.whenIdle();
    expect(order.filter((o) => o === 'busy')).toHaveLength(6);
  });

  it('retries 429, 412, 502 and 504, and gives up on other errors', async () => {
    const queue = new SendQueue({ baseDelayMs: 5, updateIntervalMs: 0, maxAttempts: 5 });
    let attempts = 0;
    queue.send('conv', async () => {
      attempts += 1;
      if (attempts <= 4)
        throw Object.assign(new Error('throttled'), { statusCode: [429, 412, 502, 504][attempts - 1] });
    });
    let forbidden = 0;
    queue.send('conv', async () => {
      forbidden += 1;
      throw Object.assign(new Error('forbidden'), { statusCode: 403 });
    });
    await queue.whenIdle();
    expect(attempts).toBe(5);
    expect(forbidden).toBe(1);
  });

  it('enqueues without waiting while a send hangs, then delivers each coalesced update once', async () => {
    const queue = new SendQueue({ updateIntervalMs: 0 });
    let release: () => void = () => undefined;
    const hanging = new Promise<void>((started) =>
      queue.send('conv', () => new Promise<void>((resolve) => ((release = resolve), started()))),
    );
    await hanging;
    const delivered = new Map<string, number>();
    for (let i = 0; i < 1000; i += 1) {
      const key = `card-${i % 10}`;
      // Synchronous: nothing to await, so the engine's event handler can never block on Teams.
      const returned: unknown = queue.update('conv', key, async () => {
        delivered.set(key, (delivered.get(key) ?? 0) + 1);
      });
      expect(returned).toBeUndefined();
    }
    expect(delivered.size).toBe(0);
    release();
    await queue.whenIdle();
    expect([...delivered.values()]).toEqual(new Array(10).fill(1));
  });

  it('asks the shared budget only for updates that send, never for an unchanged card', async () => {
    const asked: string[] = [];
    const queue = new SendQueue({
      updateIntervalMs: 0,
      budget: async (conversationId) => {
        asked.push(conversationId);
        return 0;
      },
    });
    const sent: string[] = [];
    queue.update('conv', 'unchanged', async () => 'skipped');
    queue.update('conv', 'changed', async (reserve) => {
      await reserve();
      sent.push('changed');
    });
    queue.send('conv', async () => void sent.push('posted'));
    await queue.whenIdle();
    expect(sent).toEqual(['posted', 'changed']);
    expect(asked).toEqual(['conv', 'conv']);
  });
});
