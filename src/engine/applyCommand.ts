import { commitAndEmit, type Emit } from './commitAndEmit';
import type { CommandResult } from './engineApi';
import type { Actor, Run } from './model';
import type { Clock } from './ports';
import type { CommandContext, CommandOutcome } from './runCommands';
import type { RunStore } from './runStorePort';

// An admin command (approve, reject, Done, retry, skip, cancel) applied to the stored run: the pure
// command of runCommands.ts decides in one store transaction, a refusal is audited, and a change
// wakes whoever drives the run. Nothing slow runs here, so the Teams invoke answers in milliseconds.

export interface CommandDeps {
  store: RunStore;
  emit: Emit;
  clock: Clock;
  fourEyes: boolean;
  /** Wakes this replica's executor for the run. */
  kick(runId: string): void;
  /** Wakes the replica holding the run's lease, which may be another one (a cancel also stops its step). */
  notifyReplicas?(runId: string, cancel: boolean): Promise<void>;
}

export type PureCommand = (run: Run, c: CommandContext) => CommandOutcome;

/** `afterChange` runs once the change is committed (a cancel stops the running step there). */
export async function applyCommand(
  deps: CommandDeps,
  runId: string,
  actor: Actor,
  rev: number | undefined,
  apply: PureCommand,
  afterChange?: () => void,
): Promise<CommandResult> {
  const { store, emit, clock } = deps;
  let refusal: Extract<CommandOutcome, { kind: 'refuse' }> | undefined;
  const c: CommandContext = { actor, at: clock.now().toISOString(), rev, fourEyes: deps.fourEyes };
  const result = await commitAndEmit(store, emit, runId, (current) => {
    // Decided afresh on every call: a store may run the mutation again after a conflict.
    const outcome = apply(current, c);
    refusal = outcome.kind === 'refuse' ? outcome : undefined;
    return outcome.kind === 'change' ? { run: outcome.run, audit: outcome.audit } : null;
  });
  if (!result) return { ok: false, code: 'not_found', message: `There is no run ${runId}.` };
  const { run, changed } = result;
  if (refusal) {
    await store.appendAudit(runId, [
      { at: c.at, actor, action: `refused (${refusal.code})`, detail: refusal.message },
    ]);
    return { ok: false, code: refusal.code, message: refusal.message, run };
  }
  if (changed) {
    deps.kick(runId);
    afterChange?.();
    await deps.notifyReplicas?.(runId, afterChange !== undefined).catch(() => undefined);
  }
  return { ok: true, run, changed };
}
