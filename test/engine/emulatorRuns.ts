import type { Run } from '../../src/engine/model';
import type { SetupEngineOptions } from '../../src/engine/setupEngine';
import { systemClock } from '../../src/engine/systemClock';
import { alice, bob, createHarness, reviewed, type Harness } from './engineHarness';
import { emulatorPlatform } from './emulatorRig';

// Whole runs against the real emulator over HTTP, as the scenario and failure-card tests drive them:
// Alice starts each setup from its reviewed plan and Bob, a second person, gives every approval
// (four eyes is on).

/** An engine on the emulator at `url` that polls every 20 ms and whose approvals Bob gives. */
export function approvingHarness(url: string, overrides: Partial<SetupEngineOptions> = {}): Harness {
  const h = createHarness(emulatorPlatform(url), systemClock, { pollIntervalMs: 20, ...overrides });
  h.engine.on('approval.requested', ({ run, step }) => void h.engine.approve(run.id, step.id, bob, run.rev));
  return h;
}

export interface RunUntilFinishedOptions {
  /** Names the setup in a refusal at Start. */
  key?: string;
  /** Start with this Review (default: a Review of `input` made now). */
  token?: string;
  /** How long the run may take before the test gives up on it. */
  timeoutMs?: number;
}

/** Starts `input` as Alice and waits until the run succeeded, failed or was cancelled. */
export async function runUntilFinished(
  h: Harness,
  input: Record<string, unknown>,
  { key, token, timeoutMs = 60_000 }: RunUntilFinishedOptions = {},
): Promise<Run> {
  const started = await h.engine.start(input, alice, token ?? (await reviewed(h.engine, input)));
  if (!started.ok) throw new Error(key ? `${key}: ${started.message}` : started.message);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = (await h.engine.get(started.run.id)) as Run;
    if (['succeeded', 'failed', 'cancelled'].includes(run.status)) return run;
    if (Date.now() > deadline) throw new Error(`run still ${run.status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The run succeeded; otherwise the failed step's error shows in the assertion. */
export function expectSucceeded(run: Run): void {
  const failed = run.steps.find((s) => s.status === 'failed');
  expect(failed?.error).toBeUndefined();
  expect(run.status).toBe('succeeded');
}
