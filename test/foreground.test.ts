import {
  MAX_PARK_MS,
  afterClicks,
  asForeground,
  foregroundFirst,
  foregroundInFlight,
  inBackground,
} from '../src/foreground';
import { startTelemetryKit } from './telemetry/telemetryKit';

// The gate of src/foreground.ts: background work parks at its seams while a click is in flight.

function holdForeground(): { release: () => void; done: Promise<void> } {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  return { release, done: asForeground(() => held) };
}

describe('foreground first', () => {
  it('lets background work through at once when no click is in flight', () => {
    expect(foregroundInFlight()).toBe(0);
    expect(inBackground(() => foregroundFirst())).toBeUndefined();
  });

  it('parks background work while a click is in flight and releases it when the click ends', async () => {
    const click = holdForeground();
    expect(foregroundInFlight()).toBe(1);
    const order: string[] = [];
    const background = inBackground(async () => {
      await foregroundFirst();
      order.push('background');
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(order).toEqual([]);
    order.push('click ends');
    click.release();
    await click.done;
    await background;
    expect(order).toEqual(['click ends', 'background']);
    expect(foregroundInFlight()).toBe(0);
  });

  it('waits for the last of several clicks', async () => {
    const first = holdForeground();
    const second = holdForeground();
    let through = false;
    const background = inBackground(async () => {
      await foregroundFirst();
      through = true;
    });
    first.release();
    await first.done;
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(through).toBe(false);
    second.release();
    await second.done;
    await background;
    expect(through).toBe(true);
  });

  it('never parks a click, nor work a click starts unless it is marked background', async () => {
    const click = holdForeground();
    const insideClick = await asForeground(async () => foregroundFirst());
    expect(insideClick).toBeUndefined();
    // Outside any mark (a test, a timer of the composition root): not background, not parked.
    expect(foregroundFirst()).toBeUndefined();
    click.release();
    await click.done;
  });

  it('marks work a click starts as background when it says so (a run driver after Start)', async () => {
    const click = holdForeground();
    // (Wrapped: an async function returning the promise would wait for it.)
    const { parked } = await asForeground(async () => ({ parked: inBackground(() => foregroundFirst()) }));
    expect(parked).toBeInstanceOf(Promise);
    let through = false;
    void parked?.then(() => (through = true));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(through).toBe(false);
    click.release();
    await click.done;
    await parked;
    expect(through).toBe(true);
  });

  it('parks at most MAX_PARK_MS, so a steady stream of clicks never stops a run', async () => {
    const click = holdForeground();
    const started = Date.now();
    await inBackground(() => foregroundFirst());
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(MAX_PARK_MS - 5);
    expect(foregroundInFlight()).toBe(1);
    click.release();
    await click.done;
  });

  it('counts a click that throws as ended', async () => {
    await expect(asForeground(() => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    expect(foregroundInFlight()).toBe(0);
  });

  it('records each wait in dualwrite.engine.click_wait, and nothing for work that went on at once', async () => {
    const kit = await startTelemetryKit();
    try {
      expect(inBackground(() => foregroundFirst())).toBeUndefined();
      expect(await kit.points('dualwrite.engine.click_wait')).toEqual([]);
      const click = holdForeground();
      const parked = inBackground(() => foregroundFirst());
      await new Promise((resolve) => setTimeout(resolve, 30));
      click.release();
      await click.done;
      await parked;
      const [point] = await kit.points('dualwrite.engine.click_wait');
      const histogram = point.value as { count: number; sum: number };
      expect(histogram.count).toBe(1);
      expect(histogram.sum).toBeGreaterThanOrEqual(0.025);
      expect(histogram.sum).toBeLessThan(MAX_PARK_MS / 1000);
    } finally {
      await kit.close();
    }
  });

  it('afterClicks calls at once with no click in flight, and after the click with one', async () => {
    expect(inBackground(() => afterClicks(() => 'now'))).toBe('now');
    const click = holdForeground();
    const order: string[] = [];
    const later = inBackground(() => afterClicks(() => order.push('call')));
    expect(later).toBeInstanceOf(Promise);
    order.push('click ends');
    click.release();
    await click.done;
    await later;
    expect(order).toEqual(['click ends', 'call']);
  });
});
