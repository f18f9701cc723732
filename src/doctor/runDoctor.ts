import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import type { Config } from '../config';
import { deviceCodeCredential } from '../composition/credentials';
import { connectDynamics } from '../composition/dynamicsConnection';
import { checkDelegatedAccess, delegatedResources } from './delegatedAccess';
import { runDoctorChecks, type DoctorCheck, type DoctorTarget } from './doctorChecks';

// `npm run doctor`: the read-only check of one environment pair. Against the emulator by default (an
// embedded one on a temporary file, or EMULATOR_URL), against the real services in live mode.

export const doctorArgs = z
  .object({
    json: z.boolean(),
    /** Sign in as a person (device code) and ask for a delegated token per resource. */
    asMe: z.boolean(),
    financeOps: z.string().trim().min(1, '--fo needs an F&O environment name or URL'),
    dataverse: z.string().trim().min(1, '--dv needs a Dataverse environment name or org URL'),
    linkingUser: z.string().trim().min(1, '--linker needs the user principal name of who links').optional(),
  })
  .strict();
export type DoctorArgs = z.infer<typeof doctorArgs>;

/** `--json`, `--as-me`, `--fo <name|url>`, `--dv <name|url>`, `--linker <upn>`; defaults name the emulator's seeded pair. */
export function parseDoctorArgs(argv: string[]): DoctorArgs {
  const value = (flag: string) => {
    const at = argv.indexOf(flag);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const withValue = new Set(['--fo', '--dv', '--linker']);
  const unknown = argv.filter(
    (arg, i) =>
      arg.startsWith('--') &&
      arg !== '--json' &&
      arg !== '--as-me' &&
      !withValue.has(arg) &&
      !withValue.has(argv[i - 1]),
  );
  if (unknown.length)
    throw new Error(
      `Unknown option ${unknown[0]}. Usage: npm run doctor -- [--json] [--as-me] [--fo <name|url>] [--dv <name|url>] [--linker <upn>]`,
    );
  return doctorArgs.parse({
    json: argv.includes('--json'),
    asMe: argv.includes('--as-me'),
    financeOps: value('--fo') ?? 'contoso-fo',
    dataverse: value('--dv') ?? 'contoso',
    ...(argv.includes('--linker') ? { linkingUser: value('--linker') ?? '' } : {}),
  });
}

export interface DoctorResult {
  ok: boolean;
  checks: DoctorCheck[];
}

/** `asMe`: also sign a person in (device code; `prompt` shows where) and check delegated tokens. */
export interface DoctorOptions {
  asMe?: boolean;
  prompt?: (message: string) => void;
}

/** Who signs in to the embedded emulator's device-code page: the Playground's Alex Admin (README). */
const EMULATED_SIGN_IN = { oid: '00000000-0000-4000-8000-000000000020', name: 'Alex Admin' };

export async function runDoctor(
  config: Config,
  target: DoctorTarget,
  options: DoctorOptions = {},
): Promise<DoctorResult> {
  const dynamics = await connectDynamics(config, {
    // An embedded emulator on a temporary file: the doctor leaves no data behind in DATA_DIR.
    embedded: {
      port: 0,
      dataFile: () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-')), 'emulator.sqlite'),
    },
    // A diagnosis should answer in seconds, not wait out long retries (live mode).
    retry: config.DYNAMICS_MODE === 'emulator' ? undefined : { maxAttempts: 2 },
  });
  try {
    const checks = await runDoctorChecks(dynamics.platform, target);
    if (options.asMe) {
      // Nobody can open the embedded emulator's sign-in page: its user signs in at once.
      if (dynamics.emulator && !dynamics.emulator.settings.identity.deviceCodeUser)
        dynamics.emulator.settings.identity.deviceCodeUser = EMULATED_SIGN_IN;
      const credential = deviceCodeCredential(
        config,
        options.prompt ?? (() => undefined),
        dynamics.emulatorUrl,
      );
      checks.push(...(await checkDelegatedAccess(credential, delegatedResources(target.dataverse))));
    }
    // Only a blocker makes the pair not ok: what the setup does itself is its work, not a fault.
    return { ok: checks.every((check) => check.state !== 'blocker'), checks };
  } finally {
    await dynamics.close();
  }
}

/** One line of JSON: `{"ok":…,"checks":[{"name","state","ok","detail","fix","knownErrors"}]}`. */
export function doctorJson(result: DoctorResult): string {
  return JSON.stringify({
    ok: result.ok,
    checks: result.checks.map(({ name, state, ok, detail, fix, knownErrors }) => ({
      name,
      state,
      ok,
      detail,
      fix,
      knownErrors,
    })),
  });
}

const LABELS: Record<DoctorCheck['state'], string> = {
  ok: 'ok',
  'setup-will-do': 'SETUP',
  blocker: 'BLOCK',
  'not-checkable': 'n/a',
};

/** A table for people: state, check, detail, and the fix under each line that is not ok. */
export function doctorTable(result: DoctorResult): string {
  const width = Math.max(...result.checks.map((check) => check.name.length), 5);
  const lines = result.checks.flatMap((check) => [
    `${LABELS[check.state].padEnd(5)}  ${check.name.padEnd(width)}  ${check.detail}`,
    ...(check.state === 'ok' || !check.fix ? [] : [`       ${' '.repeat(width)}  fix: ${check.fix}`]),
  ]);
  const count = (state: DoctorCheck['state']) =>
    result.checks.filter((check) => check.state === state).length;
  const summary = result.ok
    ? `Nothing blocks the setup; it will do ${count('setup-will-do')} item(s) itself (SETUP); ${count('not-checkable')} not checkable (n/a).`
    : `${count('blocker')} blocker(s) (BLOCK): fix them before the setup.`;
  return [...lines, '', summary].join('\n');
}
