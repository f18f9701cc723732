import { SentLog } from '../../../src/platform/dataverse/sentLog';

describe('SentLog', () => {
  // A reading whose request went out at 1,000 and whose answer came at 1,010 (window 100).
  const reading = { executionSeconds: 1, sentAt: 1_000, receivedAt: 1_010 };

  test('what counts against a reading: batches from a margin before its request, probes only after it', () => {
    const log = new SentLog(100);
    log.add({ at: 990, operations: 50, countedBy: 991 }); // before the margin: in the reading
    log.add({ at: 996, operations: 40, countedBy: 997 }); // within the margin: may not be
    log.add({ at: 998, operations: 1, countedBy: 999, probe: true }); // a probe before: in it
    log.add({ at: 1_005, operations: 1, countedBy: Infinity, probe: true }); // after: not
    expect(log.sentSince(reading, 5)).toBe(41);
    // A batch sent between its request and its answer blurs the reading; a probe does not.
    expect(log.blurs(reading, 5)).toBe(true);
    expect(log.blurs(reading, 3)).toBe(false);
    expect(log.lastAt).toBe(1_005);
  });

  test('time back: counted in the reading, and counted by the due time; the next due is the earliest still out', () => {
    const log = new SentLog(100);
    log.add({ at: 905, operations: 50, countedBy: 906 }); // expired before the reading's window: not in it
    log.add({ at: 920, operations: 30, countedBy: 925 });
    log.add({ at: 930, operations: 20, countedBy: 931 });
    log.add({ at: 940, operations: 10, countedBy: Infinity }); // not answered yet
    expect(log.backSince(reading, 926)).toBe(30);
    expect(log.backSince(reading, 940)).toBe(50);
    expect(log.nextCountedBy(reading, 926)).toBe(931);
  });

  test('a retried attempt replaces its first entry, and entries over two windows old are dropped', () => {
    const log = new SentLog(100);
    const first = { at: 1_000, operations: 50, countedBy: Infinity };
    log.add(first);
    log.add({ at: 1_100, operations: 50, countedBy: Infinity }, first);
    expect(log.sentSince({ ...reading, sentAt: 0 }, 0)).toBe(50);
    log.add({ at: 1_300, operations: 10, countedBy: Infinity });
    expect(log.sentSince({ ...reading, sentAt: 0 }, 0)).toBe(10);
  });
});
