import { timerDelay } from '../../timerDelay';

/** Wakes whoever waits for news (an answer, a release), or lets them go on after a timeout. */
export class ChangeSignal {
  private readonly waiters = new Set<() => void>();

  /** Resolves true on the next `notify`, false after `ms`. */
  wait(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const done = (changed: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve(changed);
      };
      const wake = () => done(true);
      const timer = setTimeout(() => done(false), timerDelay(ms));
      this.waiters.add(wake);
    });
  }

  notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
