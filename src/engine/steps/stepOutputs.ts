import type { Run } from '../model';

// Reading what earlier steps recorded (their outputs, a step's own checkpoint): plain JSON, so each
// value is checked for its type where it is read.

export function outputOf(run: Run, kind: string): Record<string, unknown> | undefined {
  return run.steps.find((step) => step.kind === kind && step.status === 'succeeded')?.output;
}

export function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
