// The critical path of a run's step graph: the longest chain of needs, by the time each step took.
// What an admin waits for can be no shorter than this, however many steps run at once; the setup
// benchmark compares it with the wall time (scripts/benchSetup.ts).

export interface TimedStep {
  id: string;
  needs: readonly string[];
  /** How long the step itself took, or waited for a person or a service, in ms. */
  durationMs: number;
}

/** The longest path through the graph (steps given in a valid order: needs before the step). */
export function criticalPathMs(steps: readonly TimedStep[]): number {
  const finish = new Map<string, number>();
  let longest = 0;
  for (const step of steps) {
    const start = Math.max(0, ...step.needs.map((id) => finish.get(id) ?? 0));
    const end = start + step.durationMs;
    finish.set(step.id, end);
    longest = Math.max(longest, end);
  }
  return longest;
}
