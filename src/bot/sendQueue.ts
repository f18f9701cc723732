import { budgetWaitMs, longestWindowMs, type RateWindow } from '../store/sendBudget';
import { systemClock, type Clock } from '../engine/engineApi';
import type { Logger } from '../log';
import { countSendBudgetWait, startTeamsSendSpan } from './botTelemetry';
import { timerDelay } from '../timerDelay';
import { foregroundFirst, inBackground } from '../foreground';

// One queue per conversation for proactive sends. Updates of the same message coalesce (the latest
// content wins, and a message is updated at most once per `updateIntervalMs`), new messages keep
// their order, everything stays within the Teams limits per bot per conversation, and 429/412/502/504
// are retried with exponential backoff and jitter. Enqueueing never waits: the engine is never
// blocked by Teams.

export type { RateWindow };

/** Teams per bot per conversation (docs/teams.md §1): 7/s, 8/2 s, 60/30 s, 1,800/h. */
export const TEAMS_CONVERSATION_LIMITS: RateWindow[] = [
  { ms: 1_000, max: 7 },
  { ms: 2_000, max: 8 },
  { ms: 30_000, max: 60 },
  { ms: 3_600_000, max: 1_800 },
];

/**
 * A budget shared by every replica (kept in the store): answers 0 when one send was reserved in the
 * conversation, otherwise how many ms to wait before asking again.
 */
export type SendBudget = (conversationId: string, limits: readonly RateWindow[]) => Promise<number>;

export interface SendQueueOptions {
  limits?: RateWindow[];
  /** Without it, the limits are counted in this process only (one replica). */
  budget?: SendBudget;
  updateIntervalMs?: number;
  maxAttempts?: number;
  baseDelayMs?: number;
  logger?: Logger;
  /** What the intervals and limits are counted by (default: the system clock). */
  clock?: Clock;
}

/** A new message: its place in the budget is reserved before it runs. */
type Job = () => Promise<void | 'skipped'>;

/**
 * An update of a posted message. It calls `reserve` right before it sends (that waits for the
 * budget); one that finds nothing to send (an unchanged card) returns 'skipped' without reserving,
 * so it costs no budget and, with several replicas, no write to the shared budget.
 */
export type UpdateJob = (reserve: () => Promise<void>) => Promise<void | 'skipped'>;

type QueueSettings = Required<Omit<SendQueueOptions, 'logger' | 'budget'>> & {
  logger?: Logger;
  budget?: SendBudget;
};

const RETRY_STATUS = new Set([429, 412, 502, 504, 503]);

export function statusOf(error: unknown): number | undefined {
  const e = error as { statusCode?: number; status?: number; response?: { status?: number } };
  return e?.statusCode ?? e?.status ?? e?.response?.status;
}

class ConversationQueue {
  private readonly sends: UpdateJob[] = [];
  private readonly updates = new Map<string, UpdateJob>();
  private readonly lastUpdate = new Map<string, number>();
  private readonly sentAt: number[] = [];
  /** Which queued jobs post a new message (the rest update one): the name of their span. */
  private readonly newMessages = new WeakSet<UpdateJob>();
  private running = false;

  constructor(
    private readonly conversationId: string,
    private readonly options: QueueSettings,
    private readonly onIdle: () => void,
  ) {}

  send(job: Job): void {
    const send: UpdateJob = async (reserve) => {
      await reserve();
      await job();
    };
    this.sends.push(send);
    this.newMessages.add(send);
    this.kick();
  }

  update(key: string, job: UpdateJob): void {
    this.updates.set(key, job);
    this.kick();
  }

  get idle(): boolean {
    return !this.running && this.sends.length === 0 && this.updates.size === 0;
  }

  private kick(): void {
    if (this.running) return;
    this.running = true;
    // Sends are background work: each waits while a click is in flight (src/foreground.ts).
    void inBackground(() => this.drain()).finally(() => {
      this.running = false;
      if (this.sends.length > 0 || this.updates.size > 0) this.kick();
      else this.onIdle();
    });
  }

  private async drain(): Promise<void> {
    for (;;) {
      const next = this.takeNext();
      if (!next) return;
      if ('waitMs' in next) {
        await delay(next.waitMs);
        continue;
      }
      await foregroundFirst();
      await this.withRetry(next.job);
    }
  }

  /** New messages first (they carry news); then the update whose interval has passed. */
  private takeNext(): { job: UpdateJob } | { waitMs: number } | undefined {
    const send = this.sends.shift();
    if (send) return { job: send };
    if (this.updates.size === 0) return undefined;
    const now = this.options.clock.now().getTime();
    let soonest = Infinity;
    for (const [key, job] of this.updates) {
      const due = (this.lastUpdate.get(key) ?? 0) + this.options.updateIntervalMs;
      if (due <= now) {
        this.updates.delete(key);
        this.lastUpdate.set(key, now);
        return { job };
      }
      soonest = Math.min(soonest, due - now);
    }
    return { waitMs: soonest };
  }

  private async respectLimits(): Promise<void> {
    const { budget } = this.options;
    if (budget) {
      for (;;) {
        const wait = await budget(this.conversationId, this.options.limits).catch((error: unknown) => {
          // The store is down: wait and ask again rather than send past the limits.
          this.options.logger?.warn({ err: (error as Error).message }, 'send budget unavailable');
          return 1_000;
        });
        if (wait <= 0) return;
        countSendBudgetWait('shared', wait);
        await delay(wait);
      }
    }
    for (;;) {
      const wait = budgetWaitMs(this.sentAt, this.options.limits, this.options.clock.now().getTime());
      if (wait <= 0) break;
      countSendBudgetWait('local', wait);
      await delay(wait);
    }
    const now = this.options.clock.now().getTime();
    this.sentAt.push(now);
    const longest = longestWindowMs(this.options.limits);
    while (this.sentAt.length > 0 && this.sentAt[0] < now - longest) this.sentAt.shift();
  }

  private async withRetry(job: UpdateJob): Promise<void | 'skipped'> {
    const span = startTeamsSendSpan(this.newMessages.has(job) ? 'send' : 'update');
    for (let attempt = 1; ; attempt += 1) {
      try {
        const result = await job(() => this.respectLimits());
        span.end(result === 'skipped' ? 'skipped' : 'sent', attempt);
        return result;
      } catch (error) {
        const status = statusOf(error);
        const retriable = status === undefined || RETRY_STATUS.has(status);
        if (!retriable || attempt >= this.options.maxAttempts) {
          span.end('failed', attempt, status);
          this.options.logger?.warn(
            { status, attempt, err: (error as Error).message },
            'proactive send failed',
          );
          return;
        }
        const ceiling = this.options.baseDelayMs * 2 ** (attempt - 1);
        await delay(ceiling / 2 + Math.random() * (ceiling / 2));
      }
    }
  }
}

export class SendQueue {
  private readonly queues = new Map<string, ConversationQueue>();
  private readonly options: QueueSettings;
  private idleWaiters: Array<() => void> = [];

  constructor(options: SendQueueOptions = {}) {
    this.options = {
      limits: options.limits ?? TEAMS_CONVERSATION_LIMITS,
      updateIntervalMs: options.updateIntervalMs ?? 2_000,
      maxAttempts: options.maxAttempts ?? 6,
      baseDelayMs: options.baseDelayMs ?? 500,
      logger: options.logger,
      budget: options.budget,
      clock: options.clock ?? systemClock,
    };
  }

  /** Queues a new message; never coalesced. */
  send(conversationId: string, job: Job): void {
    this.queueOf(conversationId).send(job);
  }

  /** Queues an update of one message; a later update of the same key replaces this one. */
  update(conversationId: string, key: string, job: UpdateJob): void {
    this.queueOf(conversationId).update(key, job);
  }

  /** Resolves when every queue is empty (tests and graceful shutdown). */
  whenIdle(): Promise<void> {
    if ([...this.queues.values()].every((q) => q.idle)) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private queueOf(conversationId: string): ConversationQueue {
    let queue = this.queues.get(conversationId);
    if (!queue) {
      queue = new ConversationQueue(conversationId, this.options, () => this.checkIdle());
      this.queues.set(conversationId, queue);
    }
    return queue;
  }

  private checkIdle(): void {
    if (![...this.queues.values()].every((q) => q.idle)) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    waiters.forEach((resolve) => resolve());
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, timerDelay(ms)).unref?.());
}
