import type { PlannedStep, PreflightFinding } from '../model';
import type { DataverseEnvironment, FinanceOpsEnvironment, Platform } from '../ports';
import type { SetupInput } from '../scenarios/scenarioInput';
import type { StepParams } from '../stepParams';

// What every pre-flight check is given and how it reports. The environments are read once, first
// (environmentChecks.ts); each later check reads what it needs from them.

/** An environment of the pair as far as the admin APIs know it; `url` only when it can be called. */
export interface FoundEnvironment<E> {
  env: E | null;
  url?: string;
}

export interface PreflightFacts {
  input: SetupInput;
  steps: PlannedStep[];
  platform: Platform;
  financeOps: FoundEnvironment<FinanceOpsEnvironment>;
  dataverse: FoundEnvironment<DataverseEnvironment>;
  /** The plan's initial sync, when it has one. */
  initialSync?: StepParams<'initialSync'>;
}

export interface FindingReport {
  add(code: string, severity: PreflightFinding['severity'], message: string, advice: string): void;
  /** A read that failed: a warning, since the run checks again before it links. */
  unreadable(what: string, error: unknown): void;
}

/** One named check: it reads Dynamics (or only the plan) and reports its findings, never throws. */
export interface PreflightCheck {
  name: string;
  run(facts: PreflightFacts, report: FindingReport): Promise<void> | void;
}

export const errorMessage = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

export function findingReport(findings: PreflightFinding[]): FindingReport {
  const add: FindingReport['add'] = (code, severity, message, advice) =>
    findings.push({ code, severity, message, advice });
  return {
    add,
    unreadable: (what, error) =>
      add(
        'check_unavailable',
        'warning',
        `Could not check ${what}: ${errorMessage(error)}.`,
        'The run checks it again before it links the environments.',
      ),
  };
}
