import { LatestPerKey } from '../../src/bot/latestPerKey';

/** The notifier's refresh per run: one read at a time, the changes meanwhile merged into one more. */
describe('LatestPerKey', () => {
  function gated() {
    const seen: number[] = [];
    const gates: Array<() => void> = [];
    const latest = new LatestPerKey<number>(
      async (value) => {
        seen.push(value);
        await new Promise<void>((resolve) => gates.push(resolve));
        if (value < 0) throw new Error(`pass ${value} failed`);
      },
      (queued, later) => Math.max(queued, later),
    );
    const open = async () => {
      while (gates.length === 0) await new Promise((resolve) => setImmediate(resolve));
      gates.shift()!();
    };
    return { latest, seen, open };
  }

  it('runs calls made during a pass as one more pass with the merged value, and resolves each after its pass', async () => {
    const { latest, seen, open } = gated();
    const settled: string[] = [];
    const first = latest.run('run-1', 1).then(() => settled.push('1'));
    const second = latest.run('run-1', 3).then(() => settled.push('3'));
    const third = latest.run('run-1', 2).then(() => settled.push('2'));
    const other = latest.run('run-2', 10).then(() => settled.push('10'));
    await open(); // run-1's first pass
    await first;
    expect(settled).toEqual(['1']);
    await open(); // run-2's pass
    await other;
    await open(); // run-1's second pass: 3 and 2 merged into 3
    await Promise.all([second, third]);
    expect(seen).toEqual([1, 10, 3]);
    expect(settled.sort()).toEqual(['1', '10', '2', '3']);
    // Idle again: the next call starts a pass of its own.
    const fourth = latest.run('run-1', 4);
    await open();
    await fourth;
    expect(seen).toEqual([1, 10, 3, 4]);
  });

  it('a failed pass rejects its callers only; the merged pass after it still runs', async () => {
    const { latest, seen, open } = gated();
    const failing = latest.run('run-1', -1);
    const later = latest.run('run-1', 5);
    await open();
    await expect(failing).rejects.toThrow('pass -1 failed');
    await open();
    await expect(later).resolves.toBeUndefined();
    expect(seen).toEqual([-1, 5]);
  });

  it('with a gap, a quiet key passes at once and calls within the gap after a pass merge into one at its end', async () => {
    const seen: Array<{ value: number; at: number }> = [];
    const started = Date.now();
    const latest = new LatestPerKey<number>(
      async (value) => {
        seen.push({ value, at: Date.now() - started });
      },
      (queued, later) => Math.max(queued, later),
      100,
    );
    await latest.run('run-1', 1);
    expect(seen).toHaveLength(1);
    expect(seen[0].at).toBeLessThan(50);
    // The pass is over; three changes inside its gap are one more pass, once the gap has passed.
    const merged = [latest.run('run-1', 2), latest.run('run-1', 4), latest.run('run-1', 3)];
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(seen).toHaveLength(1);
    await Promise.all(merged);
    expect(seen.map((s) => s.value)).toEqual([1, 4]);
    expect(seen[1].at).toBeGreaterThanOrEqual(95);
    // Another key is not held by run-1's gap.
    await latest.run('run-2', 7);
    expect(seen.map((s) => s.value)).toEqual([1, 4, 7]);
  });
});
