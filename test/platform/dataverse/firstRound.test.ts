import { CAUTIOUS_SECONDS_PER_OPERATION, FirstRound } from '../../../src/platform/dataverse/firstRound';

describe('FirstRound: what an operation costs, learned from the first round of batches', () => {
  const reading = (executionSeconds: number, sentAt: number) => ({
    executionSeconds,
    sentAt,
    receivedAt: sentAt + 5,
  });

  test('the round takes what the budget covers at the cautious cost, closes with its first answer, and learns from a reading sent after its last', () => {
    const round = new FirstRound();
    expect(round.room()).toBe(Infinity); // the first batch always goes
    round.join(50, reading(40, 0)); // 40 s left covers 800 operations at 50 ms
    expect(CAUTIOUS_SECONDS_PER_OPERATION).toBe(0.05);
    expect(round.room()).toBe(750);
    round.join(700, reading(39.5, 10)); // a later reading does not move the round's start
    expect(round.room()).toBe(50);
    round.answered(100);
    expect(round.room()).toBe(0); // closed: nothing joins after its first answer
    expect(round.waitsForReading).toBe(false); // a batch of it is still out
    round.learn(reading(35, 120)); // sent after that answer, but the round is not all answered
    expect(round.secondsPerOperation).toBeUndefined();
    round.answered(150);
    expect(round.waitsForReading).toBe(true);
    round.learn(reading(31, 140)); // sent before the last answer: it may miss part of the round
    expect(round.secondsPerOperation).toBeUndefined();
    round.learn(reading(32.5, 160)); // 7.5 s over 750 operations
    expect(round.secondsPerOperation).toBeCloseTo(0.01, 10);
    expect(round.waitsForReading).toBe(false);
  });

  test('a budget too small for a second batch at the cautious cost leaves the first alone', () => {
    const round = new FirstRound();
    round.join(50, reading(1.05, 0)); // 21 operations at 50 ms: not even the first batch's 50
    expect(round.room()).toBeLessThan(0);
    round.answered(10);
    round.learn(reading(0.55, 20));
    expect(round.secondsPerOperation).toBeCloseTo(0.01, 10);
  });
});
