// Which runs this replica may drive. With several replicas on one store, a run is driven by the one
// holding its lease: the keeper takes leases (a new run, a signal, or a sweep that finds a run whose
// holder died), renews them on a heartbeat, and tells the executor when one is lost. Its `fenceOf`
// goes with every write the executor makes, so a replica that was frozen past its lease's expiry
// writes nothing (the store refuses the stale epoch) and, checked locally, calls nothing either.
import type { Logger } from '../log';
import { countFencedWrite, countTakeover } from './engineMetrics';
import { leaseGuardedPlatform } from './leaseGuardedPlatform';
import type { Clock, Platform } from './ports';
import { FencedWriteError, type LeaseFence, type RunLease, type RunLeases } from './runLeasePort';
import { timerDelay } from '../timerDelay';

export interface LeaseKeeperOptions {
  leases: RunLeases;
  /** This replica's name (unique among live processes). */
  owner: string;
  ttlMs: number;
  heartbeatMs: number;
  logger?: Logger;
  /** Read against the leases' `expiresAt` (epoch ms, written by the store from the same wall clock). */
  clock: Clock;
}

export interface LeaseKeeperHooks {
  /** Runs that may need a driver (unfinished, not waiting for a retry). */
  candidates(): Promise<string[]>;
  /**
   * Drive this run (start a driver if it has none, else wake it): called for every run the sweep took
   * and every run it already holds, so a run whose driver stopped (its lease looked expired to a
   * slow or frozen process just before the renewal went through) is never left held but undriven.
   */
  gained(runId: string): void;
  /** The lease was taken from `previousOwner`, which stopped renewing it (dead or frozen). */
  tookOver?(runId: string, previousOwner: string): void;
  /** The lease is gone (expired and taken, or refused): stop driving the run at once. */
  lost(runId: string): void;
}

export class RunLeaseKeeper {
  private readonly held = new Map<string, RunLease>();
  private readonly refused = new Map<string, FencedWriteError>();
  private timer: NodeJS.Timeout | undefined;
  private beating = false;
  private pending = 0;
  private readonly settledWaiters: Array<() => void> = [];
  /** Leases taken from another holder (the soak reports them). */
  takeovers = 0;

  constructor(
    private readonly o: LeaseKeeperOptions,
    private readonly hooks: LeaseKeeperHooks,
  ) {}

  get owner(): string {
    return this.o.owner;
  }

  /** The fence for a write on this run, if this replica holds its lease now (by the local clock). */
  fenceOf(runId: string): LeaseFence | undefined {
    const lease = this.held.get(runId);
    if (!lease || lease.expiresAt <= this.o.clock.now().getTime()) return undefined;
    return { owner: lease.owner, epoch: lease.epoch };
  }

  /** The fence for a write the executor is about to make; throws when the lease is gone. */
  writeFence(runId: string): LeaseFence {
    const fence = this.fenceOf(runId);
    if (!fence)
      throw new FencedWriteError(runId, { owner: this.o.owner, epoch: this.held.get(runId)?.epoch ?? 0 });
    return fence;
  }

  /** The platform for a step of this run: every call, and every request in it, checks the lease first. */
  guard(platform: Platform, runId: string): Platform {
    return leaseGuardedPlatform(
      platform,
      runId,
      (id) => this.fenceOf(id),
      this.writeFence(runId),
      (error) => {
        countFencedWrite('request');
        this.refused.set(runId, error);
      },
    );
  }

  /**
   * The refusal of a request of this run's steps since its lease was last taken: the step that got
   * it failed because this replica lost the run, not because of Dynamics, so it records nothing.
   */
  refusal(runId: string): FencedWriteError | undefined {
    return this.refused.get(runId);
  }

  holds(runId: string): boolean {
    return this.fenceOf(runId) !== undefined;
  }

  /**
   * Takes the run's lease if it is free, expired or ours. Null when another replica holds it;
   * otherwise the owner it was taken over from (a holder that stopped renewing), if any.
   */
  async take(runId: string): Promise<{ from?: string } | null> {
    if (this.holds(runId)) return {};
    const before = await this.o.leases.current(runId);
    const lease = await this.o.leases.acquire(runId, this.o.owner, this.o.ttlMs);
    if (!lease) return null;
    this.held.set(runId, lease);
    this.refused.delete(runId);
    // A released lease has expiresAt 0: picking it up is no takeover.
    if (!before || before.owner === this.o.owner || before.expiresAt === 0) return {};
    this.takeovers += 1;
    countTakeover();
    this.o.logger?.warn(
      { runId, from: before.owner, epoch: lease.epoch },
      'took over a run whose holder stopped renewing its lease',
    );
    this.hooks.tookOver?.(runId, before.owner);
    return { from: before.owner };
  }

  /**
   * Takes the run's lease even from a live holder: a "Continue as me" click landed here, and its token
   * lives in this replica's memory only (actingAdmin.ts). The old holder's writes are fenced from now on.
   */
  async handOver(runId: string): Promise<void> {
    const before = this.held.get(runId);
    const lease = await this.o.leases.handOver(runId, this.o.owner, this.o.ttlMs);
    this.held.set(runId, lease);
    this.refused.delete(runId);
    if (before?.epoch !== lease.epoch)
      this.o.logger?.info({ runId, epoch: lease.epoch }, 'took the run over for a Continue-as-me click');
  }

  /** Another replica took the run (a handover): if the store no longer has our lease, let the run go. */
  async letGoIfTaken(runId: string): Promise<void> {
    const mine = this.held.get(runId);
    if (!mine) return;
    const current = await this.o.leases.current(runId);
    if (current?.owner === mine.owner && current.epoch === mine.epoch) return;
    if (this.held.get(runId) !== mine) return; // renewed or taken meanwhile: that answer stands
    this.held.delete(runId);
    this.refused.delete(runId);
    this.o.logger?.info({ runId, epoch: mine.epoch }, 'the run was handed over to another replica');
    this.hooks.lost(runId);
  }

  /** Runs `then` once this replica holds the run (now, or after taking its lease); else nothing. */
  whenHeld(runId: string, then: () => void): void {
    if (this.holds(runId)) return then();
    // Another replica may hold it: then that one drives, woken by the store's signal.
    this.pending += 1;
    this.take(runId)
      .then((held) => held && then())
      .catch((error: unknown) => this.o.logger?.warn({ err: error, runId }, 'could not take the run lease'))
      .finally(() => {
        this.pending -= 1;
        if (this.pending === 0) this.settledWaiters.splice(0).forEach((resolve) => resolve());
      });
  }

  /** Resolves when no lease is being taken for a kick (so the executor's idleness means something). */
  settled(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.settledWaiters.push(resolve));
  }

  /** A driver ended on a refused write: the run was taken over; forget it (true), else false. */
  absorbLost(runId: string, error: unknown): boolean {
    if (!(error instanceof FencedWriteError)) return false;
    countFencedWrite('write');
    this.held.delete(runId);
    this.refused.delete(runId);
    this.o.logger?.warn({ runId, epoch: error.fence.epoch }, 'lease lost; the run is left to its new holder');
    return true;
  }

  /** Forgets a lease the store refused (another replica holds the run now). */
  drop(runId: string): void {
    this.held.delete(runId);
  }

  /** Gives a lease up (the run finished), so nobody waits for it to expire. */
  async release(runId: string): Promise<void> {
    const lease = this.held.get(runId);
    if (!lease) return;
    this.held.delete(runId);
    await this.o.leases.release(runId, lease).catch(() => undefined);
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.beat(), timerDelay(this.o.heartbeatMs));
    this.timer.unref();
  }

  /** Stops the heartbeat and releases every lease, so other replicas take the runs over at once. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await Promise.all([...this.held.keys()].map((runId) => this.release(runId)));
  }

  /** One heartbeat: renew what we hold, then take over runs nobody holds any more. */
  async beat(): Promise<void> {
    if (this.beating) return;
    this.beating = true;
    try {
      for (const [runId, lease] of [...this.held]) {
        const renewed = await this.o.leases.renew(runId, lease, this.o.ttlMs).catch(() => undefined);
        if (renewed) {
          this.held.set(runId, renewed);
        } else if (renewed === null || lease.expiresAt <= this.o.clock.now().getTime()) {
          // Refused (someone else holds it), or the store is unreachable past the lease's end.
          this.held.delete(runId);
          this.hooks.lost(runId);
        }
      }
      const candidates = await this.hooks.candidates().catch(() => [] as string[]);
      const unfinished = new Set(candidates);
      for (const runId of candidates) {
        if (this.held.has(runId)) {
          if (this.holds(runId)) this.hooks.gained(runId);
          continue;
        }
        const taken = await this.take(runId).catch(() => null);
        if (taken) this.hooks.gained(runId);
      }
      for (const runId of [...this.held.keys()]) {
        if (!unfinished.has(runId)) await this.release(runId);
      }
    } finally {
      this.beating = false;
    }
  }
}
