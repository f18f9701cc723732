import { errorsPreventedBy, type CheckState, type CheckVerdict } from '../engine/pairChecks/pairCheck';

// One line of the doctor's report: a state (ok, the setup will do it, blocker, not checkable) with what
// it saw and what to do. `ok` is false only for a blocker.

export interface DoctorCheck {
  name: string;
  state: CheckState;
  ok: boolean;
  detail: string;
  /** What to do ('' when nothing is to be done): a catalogued error's documented fix where there is one. */
  fix: string;
  /** The ids of the catalogued errors (src/engine/knownErrors) whose cause this check finds. */
  knownErrors: string[];
}

export interface DoctorTarget {
  /** F&O environment name in LCS, or its URL. */
  financeOps: string;
  /** Dataverse environment name in the Power Platform admin center, or its org URL. */
  dataverse: string;
  /** The user (UPN) who will link the environments in F&O, when known: their licence is read. */
  linkingUser?: string;
}

/** The doctor's report, collected check by check. */
export class DoctorReport {
  readonly checks: DoctorCheck[] = [];

  add(name: string, state: CheckState, detail: string, fix = ''): void {
    this.checks.push({
      name,
      state,
      ok: state !== 'blocker',
      detail,
      fix,
      knownErrors: errorsPreventedBy(name),
    });
  }

  addVerdicts(verdicts: readonly CheckVerdict[]): void {
    for (const v of verdicts) this.add(v.name, v.state, v.detail, v.fix);
  }
}

export const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));
export const isUrl = (value: string): boolean => /^https?:\/\//i.test(value);

/** The environment name in a URL: its last path segment (the emulator's) or its first host label. */
export function hostName(url: string): string {
  const parsed = new URL(url);
  const segments = parsed.pathname.split('/').filter(Boolean);
  return segments.length ? decodeURIComponent(segments[segments.length - 1]) : parsed.hostname.split('.')[0];
}
