import type { Caller } from './entraTokens';

/**
 * Who called the services that take delegated tokens only (Lifecycle Services, the dual-write
 * gateway): app tokens and each user's `oid`, counted whether the call was let through or refused. A
 * test tool of this sandbox, no Microsoft behaviour: it shows that a bot acting as an admin sent that
 * admin's token, and that no app token reached the service (`GET /_emulator/state`, `callers`).
 */
export type DelegatedService = 'lcs' | 'gateway';

export interface CallerCounts {
  app: number;
  /** Calls by user object id (`oid`). */
  users: Record<string, number>;
}

export class CallerLog {
  private counts: Record<DelegatedService, CallerCounts> = { lcs: empty(), gateway: empty() };

  record(service: DelegatedService, caller: Caller): void {
    const counts = this.counts[service];
    if (caller.kind === 'app') counts.app += 1;
    else counts.users[caller.claims.oid] = (counts.users[caller.claims.oid] ?? 0) + 1;
  }

  snapshot(): Record<DelegatedService, CallerCounts> {
    return structuredClone(this.counts);
  }

  reset(): void {
    this.counts = { lcs: empty(), gateway: empty() };
  }
}

const empty = (): CallerCounts => ({ app: 0, users: {} });
