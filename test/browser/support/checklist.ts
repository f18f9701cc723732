/**
 * A minimal runner for one long browser scenario: named checks run in order, the first failure stops
 * the rest (they depend on each other), and the closing line reads `N passed, N failed`.
 */
export interface CheckOutcome {
  name: string;
  status: 'passed' | 'failed' | 'skipped';
  ms: number;
  error?: string;
}

export class Checklist {
  readonly outcomes: CheckOutcome[] = [];
  private failed = false;

  constructor(private readonly onFailure: (name: string) => Promise<void> = async () => undefined) {}

  async check(name: string, body: () => Promise<void>): Promise<void> {
    if (this.failed) {
      this.outcomes.push({ name, status: 'skipped', ms: 0 });
      process.stdout.write(`  - ${name} (skipped)\n`);
      return;
    }
    const started = Date.now();
    try {
      await body();
      const ms = Date.now() - started;
      this.outcomes.push({ name, status: 'passed', ms });
      process.stdout.write(`  ✓ ${name} (${ms} ms)\n`);
    } catch (error) {
      const ms = Date.now() - started;
      this.failed = true;
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      this.outcomes.push({ name, status: 'failed', ms, error: message });
      process.stdout.write(`  ✗ ${name} (${ms} ms)\n    ${message.split('\n').join('\n    ')}\n`);
      await this.onFailure(name).catch(() => undefined);
    }
  }

  get ok(): boolean {
    return !this.failed;
  }

  summary(): string {
    const count = (status: CheckOutcome['status']) => this.outcomes.filter((o) => o.status === status).length;
    const skipped = count('skipped');
    return `${count('passed')} passed, ${count('failed')} failed${skipped ? `, ${skipped} skipped` : ''}`;
  }
}

export function expectThat(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}
