import { clockRefreshDue, elapsed, longStepText } from '../../src/bot/views/stepClock';

const at = (iso: string) => Date.parse(iso);

describe('the clock of a long step', () => {
  const step = { status: 'running', startedAt: '2026-11-27T10:00:00.000Z' };

  it('shows nothing for the first seconds, then the elapsed time and the service status', () => {
    expect(longStepText(step, at('2026-11-27T10:00:10Z'))).toBeUndefined();
    expect(longStepText(step, at('2026-11-27T10:03:12Z'))).toBe('running for 3 min 12 s');
    expect(
      longStepText(
        { ...step, serviceStatus: { text: 'Lifecycle Services: Deploying', at: '2026-11-27T10:03:00Z' } },
        at('2026-11-27T12:05:00Z'),
      ),
    ).toBe('running for 2 h 5 min · Lifecycle Services: Deploying');
  });

  it('shows nothing for a step that is not running', () => {
    expect(longStepText({ ...step, status: 'succeeded' }, at('2026-11-27T11:00:00Z'))).toBeUndefined();
    expect(longStepText({ status: 'running' }, at('2026-11-27T11:00:00Z'))).toBeUndefined();
  });

  it('re-renders at most once a minute, and only with a long step', () => {
    const now = at('2026-11-27T10:05:00Z');
    expect(clockRefreshDue([step], now - 61_000, now)).toBe(true);
    expect(clockRefreshDue([step], now - 30_000, now)).toBe(false);
    expect(clockRefreshDue([{ ...step, status: 'pending' }], now - 600_000, now)).toBe(false);
  });

  it('formats durations', () => {
    expect([elapsed(0), elapsed(59_999), elapsed(60_000), elapsed(3_600_000)]).toEqual([
      '0 s',
      '59 s',
      '1 min 0 s',
      '1 h 0 min',
    ]);
  });
});
