import { createDataverseSettings } from '../../../src/emulator/dataverse/dataverseSettings';
import { ODataError } from '../../../src/emulator/dataverse/odataErrors';
import { ServiceProtection, THROTTLE_CODES } from '../../../src/emulator/dataverse/serviceProtection';

/** The three limits with a fake clock: which one trips, its code, and Retry-After. */
describe('service protection limits', () => {
  const refusal = (work: () => unknown): ODataError => {
    try {
      work();
    } catch (error) {
      if (error instanceof ODataError) return error;
      throw error;
    }
    throw new Error('expected a 429');
  };

  test('requests per window: a batch counts once; Retry-After is when the oldest request leaves', () => {
    let now = 0;
    const settings = createDataverseSettings({ maxRequestsPerWindow: 3, windowMs: 10_000 });
    const limits = new ServiceProtection(settings, () => now);
    for (let i = 0; i < 3; i++) {
      limits.admit('u', 500)();
      now += 1000;
    }
    const error = refusal(() => limits.admit('u', 1));
    expect(error.status).toBe(429);
    expect(error.code).toBe(THROTTLE_CODES.requests);
    expect(error.headers['Retry-After']).toBe('7'); // the first request (at 0) leaves at 10 s; now is 3 s
    expect(() => limits.admit('other-user', 1)()).not.toThrow();
    now = 10_001;
    expect(() => limits.admit('u', 1)()).not.toThrow();
  });

  test('execution time per window sums every operation of a batch', () => {
    let now = 0;
    const settings = createDataverseSettings({
      executionMsPerOperation: 10,
      maxExecutionMsPerWindow: 1000,
      windowMs: 60_000,
    });
    const limits = new ServiceProtection(settings, () => now);
    limits.admit('u', 60)(); // 600 ms
    now = 5000;
    limits.admit('u', 50)(); // 1100 ms: over the limit from now on
    now = 6000;
    const error = refusal(() => limits.admit('u', 1));
    expect(error.code).toBe(THROTTLE_CODES.executionTime);
    expect(error.headers['Retry-After']).toBe('54'); // the 600 ms entry leaves at 60 s
    now = 60_001;
    expect(() => limits.admit('u', 1)).not.toThrow();
  });

  test('concurrency trips at once and frees on release; durations scale with timeScale', () => {
    let now = 0;
    const settings = createDataverseSettings({
      maxConcurrentRequests: 2,
      timeScale: 0.01,
      maxRequestsPerWindow: 1,
      windowMs: 300_000,
    });
    const limits = new ServiceProtection(settings, () => now);
    const release = limits.admit('u', 1);
    settings.maxRequestsPerWindow = 10; // changed at run time
    const second = limits.admit('u', 1);
    const busy = refusal(() => limits.admit('u', 1));
    expect(busy.code).toBe(THROTTLE_CODES.concurrency);
    expect(busy.headers['Retry-After']).toBe('0.01');
    release();
    second();
    expect(() => limits.admit('u', 1)()).not.toThrow();
    settings.maxRequestsPerWindow = 3;
    now = 1000; // real ms: 100 s unscaled; the window (300 s) is 3 s real
    const full = refusal(() => limits.admit('u', 1));
    expect(full.code).toBe(THROTTLE_CODES.requests);
    expect(full.headers['Retry-After']).toBe('2'); // 200 unscaled seconds, scaled by 0.01
  });
});
