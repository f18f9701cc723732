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

  test("countedBy: the answer's delay beyond the quickest of its size, moved later when a quicker one comes", () => {
    const log = new SentLog(1_000);
    const answered = (at: number, operations: number, roundTripMs: number) => {
      const sent = { at, operations, countedBy: Infinity };
      log.add(sent);
      log.answered(sent, roundTripMs);
      return sent;
    };
    // A first round answered all slowly together: the quickest of them (300) is no measure.
    const first = answered(1_000, 50, 300);
    const second = answered(1_001, 50, 340);
    expect(first.countedBy).toBe(1_000);
    expect(second.countedBy).toBe(1_041);
    // A batch of the same size answered in 60: the earlier ones may have been counted that much later.
    expect(answered(1_400, 50, 60).countedBy).toBe(1_400);
    expect(first.countedBy).toBe(1_240);
    expect(second.countedBy).toBe(1_281);
    // Another size keeps its own quickest; a slower answer moves nothing.
    expect(answered(1_500, 10, 30).countedBy).toBe(1_500);
    expect(answered(1_600, 50, 90).countedBy).toBe(1_630);
    expect(first.countedBy).toBe(1_240);
  });
});
