import type { ActAsAdmin, AssertionsInHand } from './actingAdmin';
import type { Logger } from '../log';
import type { Emit } from './commitAndEmit';
import type { Clock, Platform } from './ports';
import type { RunLeaseKeeper } from './runLeaseKeeper';
import type { RunStore } from './runStorePort';
import { nextActions, type StepWork } from './runStateMachine';
import { completeRun, finalizeCancel } from './runTransitions';
import type { RetryBudget } from './stepRetryPolicy';
import { StepRunner } from './stepRunner';
import { foregroundFirst, inBackground } from '../foreground';

// Drives runs: one driver (an async loop) per run that has something to do. Each turn it reads the
// run from the store and asks the state machine for every step that can move now (a plan is a graph:
// a step whose needs are met starts while others still run), and starts each on its own, up to
// `parallelSteps` executing at once. Each step commits its transition before acting on it
// (stepRunner.ts). A driver sleeps (on the injected clock) until a step ends, a command arrives, or
// an approval's reminder or expiry is due, and ends when nothing runs and the run waits for an admin.

export interface ExecutorOptions {
  platform: Platform;
  store: RunStore;
  clock: Clock;
  logger?: Logger;
  approvalTimeoutMs: number;
  approvalReminderMs: number;
  pollIntervalMs: number;
  retry: RetryBudget;
  emit: Emit;
  /** Steps of one run executing at once (1: one step at a time, as before plans were graphs). */
  parallelSteps: number;
  /** Ask approvals at Start instead of when their step is reached. */
  approvalsAtStart: boolean;
  /** Several replicas: drive only the runs whose lease this replica holds, and fence every write. */
  leases?: RunLeaseKeeper;
  /** AZURE_AUTH=obo: the platform as an admin, and the "Continue as me" assertions in hand. */
  actAs?: ActAsAdmin;
  assertions?: AssertionsInHand;
}

interface Driver {
  done: Promise<unknown>;
  wake: () => void;
  /** Stops the running steps (cancel) or the whole driver (close). */
  abort: AbortController;
  busy: boolean;
  wakeRequested: boolean;
  /** The step actions in hand, by step id (one per step). */
  tasks: Map<string, { action: StepWork; done: Promise<void> }>;
  /** A step action that threw (the store failed): the driver ends with it, as a crash would. */
  failure?: unknown;
}

export class RunExecutor {
  private readonly drivers = new Map<string, Driver>();
  private closed = false;
  private idleWaiters: Array<() => void> = [];
  private readonly steps: StepRunner;

  constructor(private readonly o: ExecutorOptions) {
    this.steps = new StepRunner({
      ...o,
      closed: () => this.closed,
      fence: (runId) => o.leases?.writeFence(runId),
      platformFor: (runId) => o.leases?.guard(o.platform, runId) ?? o.platform,
      // The admin's platform is fenced by the run's lease like the bot's own.
      platformAs:
        o.actAs &&
        ((runId, assertion) => {
          const asAdmin = (o.actAs as ActAsAdmin)(assertion);
          return o.leases?.guard(asAdmin, runId) ?? asAdmin;
        }),
      leaseRefusal: (runId) => o.leases?.refusal(runId),
    });
  }

  /** Starts a driver for the run, or wakes the one it has (after taking its lease, with replicas). */
  kick(runId: string): void {
    // Taking the lease and driving the run are background work (src/foreground.ts), even when a
    // click's Start or approval kicked them.
    inBackground(() => {
      if (this.o.leases) this.o.leases.whenHeld(runId, () => this.startOrWake(runId));
      else this.startOrWake(runId);
    });
  }

  private startOrWake(runId: string): void {
    if (this.closed) return;
    const existing = this.drivers.get(runId);
    if (existing) {
      existing.wakeRequested = true;
      existing.busy = true;
      existing.wake();
      return;
    }
    const driver: Driver = {
      done: Promise.resolve(),
      wake: () => {},
      abort: new AbortController(),
      busy: true,
      wakeRequested: false,
      tasks: new Map(),
    };
    this.drivers.set(runId, driver);
    driver.done = this.drive(runId, driver)
      .catch((err: unknown) => this.o.leases?.absorbLost(runId, err) || this.crashed(runId, err))
      .finally(() => this.checkIdle());
  }

  private crashed(runId: string, err: unknown): void {
    this.o.logger?.error({ err, runId }, 'run driver crashed');
  }

  /** Stops the steps running in this run (a cancel): they see their AbortSignal fire. */
  abortStep(runId: string): void {
    this.drivers.get(runId)?.abort.abort();
  }

  async close(): Promise<void> {
    this.closed = true;
    const drivers = [...this.drivers.values()];
    for (const driver of drivers) {
      driver.abort.abort();
      driver.wake();
    }
    await Promise.all(drivers.map((driver) => driver.done));
  }

  /** Resolves once every driver has ended or sleeps on a timer (tests and shutdown use it). */
  async whenIdle(): Promise<void> {
    // Let timers a test just fired reach their drivers before looking.
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      if (![...this.drivers.values()].some((driver) => driver.busy)) {
        await new Promise((resolve) => setImmediate(resolve));
        if (![...this.drivers.values()].some((driver) => driver.busy)) return;
      }
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
  }

  private checkIdle(): void {
    if ([...this.drivers.values()].some((driver) => driver.busy)) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private nowIso(): string {
    return this.o.clock.now().toISOString();
  }

  private release(runId: string, driver: Driver): void {
    if (this.drivers.get(runId) === driver) this.drivers.delete(runId);
  }

  /**
   * Ends the driver unless a command or a finished step woke it since the turn began (both set
   * `wakeRequested`; the loop clears it before reading the run). The check and the release happen
   * with no await in between, so a command either is seen here (the loop turns again and reads its
   * committed change) or arrives after the release and starts a fresh driver: it is never lost.
   */
  private releaseUnlessWoken(runId: string, driver: Driver): boolean {
    if (driver.tasks.size > 0 || (driver.wakeRequested && !this.closed)) return false;
    this.release(runId, driver);
    return true;
  }

  private async drive(runId: string, driver: Driver): Promise<void> {
    try {
      await this.loop(runId, driver);
    } finally {
      // Closing: every step in hand stops at its signal; wait for them before the driver ends.
      await Promise.allSettled([...driver.tasks.values()].map((task) => task.done));
      this.release(runId, driver);
    }
  }

  private async loop(runId: string, driver: Driver): Promise<void> {
    while (!this.closed) {
      if (driver.failure) throw driver.failure;
      driver.wakeRequested = false;
      await foregroundFirst();
      const run = await this.o.store.get(runId);
      if (!run || (this.o.leases && !this.o.leases.holds(runId))) return;
      const next = nextActions(run, this.o.clock.now().getTime(), this.o.approvalReminderMs, {
        approvalsAtStart: this.o.approvalsAtStart,
      });
      if (next.type === 'finished') void this.o.leases?.release(runId);
      if (next.type === 'finished' || (next.type === 'finalize_cancel' && driver.tasks.size > 0)) {
        // A cancelled step is still stopping: its end wakes the driver.
        if (this.releaseUnlessWoken(runId, driver)) return;
        await this.waitForChange(driver);
        continue;
      }
      if (next.type === 'complete' || next.type === 'finalize_cancel') {
        await this.steps.commit(runId, (r) =>
          next.type === 'complete' ? completeRun(r, this.nowIso()) : finalizeCancel(r, this.nowIso()),
        );
        if (this.releaseUnlessWoken(runId, driver)) return;
        continue;
      }
      this.startReady(run.id, next.actions, driver);
      if (driver.tasks.size === 0 && next.wakeAtMs === undefined) {
        if (this.releaseUnlessWoken(runId, driver)) return;
        continue;
      }
      await this.waitForChange(driver, next.wakeAtMs);
    }
  }

  /** Starts every action whose step has none in hand, executing at most `parallelSteps` at once. */
  private startReady(runId: string, actions: StepWork[], driver: Driver): void {
    let executing = [...driver.tasks.values()].filter((t) => t.action.type === 'execute').length;
    for (const action of actions) {
      if (driver.tasks.has(action.step.id)) continue;
      if (action.type === 'execute') {
        if (executing >= this.o.parallelSteps) continue;
        executing += 1;
      }
      const id = action.step.id;
      const done = this.act(runId, action, driver).finally(() => {
        driver.tasks.delete(id);
        driver.wakeRequested = true;
        driver.wake();
      });
      driver.tasks.set(id, { action, done });
    }
  }

  private async act(runId: string, action: StepWork, driver: Driver): Promise<void> {
    try {
      await foregroundFirst();
      const run = await this.o.store.get(runId);
      if (run) await this.steps.act(run, action, () => this.signalOf(driver));
    } catch (error) {
      driver.failure = error;
    }
  }

  /** The run's signal; a fired one (a cancel that has finished) is renewed once no step runs. */
  private signalOf(driver: Driver): AbortSignal {
    const running = [...driver.tasks.values()].filter((t) => t.action.type === 'execute').length;
    if (driver.abort.signal.aborted && running <= 1 && !this.closed) driver.abort = new AbortController();
    return driver.abort.signal;
  }

  /** Sleeps until a step in hand ends, a command wakes the driver, or `untilMs` (a timer) is due. */
  private async waitForChange(driver: Driver, untilMs?: number): Promise<void> {
    if (driver.wakeRequested) return;
    const delay = untilMs === undefined ? undefined : untilMs - this.o.clock.now().getTime();
    if (delay !== undefined && delay <= 0) return;
    const timer = new AbortController();
    const woken = new Promise<void>((resolve) => {
      driver.wake = () => {
        timer.abort();
        resolve();
      };
    });
    // Waiting only for a person or a timer is idle; a step in hand keeps the run busy.
    driver.busy = driver.tasks.size > 0;
    this.checkIdle();
    try {
      const sleeps =
        delay === undefined ? [] : [this.o.clock.sleep(delay, timer.signal).catch(() => undefined)];
      await Promise.race([woken, ...sleeps]);
    } finally {
      timer.abort();
      driver.wake = () => {};
      driver.busy = true;
    }
  }
}
