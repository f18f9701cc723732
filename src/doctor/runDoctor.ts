import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import type { Config } from '../config';
import { startEmulator, type RunningEmulator } from '../emulator';
import type { Platform } from '../engine/ports';
import { createPlatform } from '../platform/createPlatform';
import { createCredential } from '../platform/http/credentials';
import { runDoctorChecks, type DoctorCheck, type DoctorTarget } from './doctorChecks';

// `npm run doctor`: the read-only check of one environment pair. Against the emulator by default (an
// embedded one on a temporary file, or EMULATOR_URL), against the real services in live mode.

export const doctorArgs = z
  .object({
    json: z.boolean(),
    financeOps: z.string().trim().min(1, '--fo needs an F&O environment name or URL'),
    dataverse: z.string().trim().min(1, '--dv needs a Dataverse environment name or org URL'),
  })
  .strict();
export type DoctorArgs = z.infer<typeof doctorArgs>;

/** `--json`, `--fo <name|url>`, `--dv <name|url>`; defaults name the emulator's seeded pair. */
export function parseDoctorArgs(argv: string[]): DoctorArgs {
  const value = (flag: string) => {
    const at = argv.indexOf(flag);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const known = new Set(['--json', '--fo', '--dv']);
  const unknown = argv.filter((arg, i) => arg.startsWith('--') && !known.has(arg) && argv[i - 1] !== '--fo');
  if (unknown.length)
    throw new Error(
      `Unknown option ${unknown[0]}. Usage: npm run doctor -- [--json] [--fo <name|url>] [--dv <name|url>]`,
    );
  return doctorArgs.parse({
    json: argv.includes('--json'),
    financeOps: value('--fo') ?? 'contoso-fo',
    dataverse: value('--dv') ?? 'contoso',
  });
}

export interface DoctorResult {
  ok: boolean;
  checks: DoctorCheck[];
}

export async function runDoctor(config: Config, target: DoctorTarget): Promise<DoctorResult> {
  let emulator: RunningEmulator | undefined;
  try {
    let platform: Platform;
    if (config.DYNAMICS_MODE === 'emulator') {
      if (!config.EMULATOR_URL) {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-'));
        emulator = await startEmulator({
          port: 0,
          dataFile: path.join(dir, 'emulator.sqlite'),
          timeScale: config.EMULATOR_TIME_SCALE,
        });
      }
      platform = createPlatform({
        mode: 'emulator',
        emulatorUrl: config.EMULATOR_URL ?? emulator!.url,
        timeoutMs: config.HTTP_TIMEOUT_MS,
      });
    } else {
      platform = createPlatform({
        mode: 'live',
        credential: createCredential(
          config.AZURE_AUTH === 'client-secret'
            ? {
                kind: 'client-secret',
                tenantId: config.AZURE_TENANT_ID!,
                clientId: config.AZURE_CLIENT_ID!,
                clientSecret: config.AZURE_CLIENT_SECRET!,
              }
            : config.AZURE_AUTH === 'managed-identity'
              ? { kind: 'managed-identity', clientId: config.AZURE_CLIENT_ID }
              : { kind: 'default', tenantId: config.AZURE_TENANT_ID, clientId: config.AZURE_CLIENT_ID },
        ),
        lcsApiUrl: config.LCS_API_URL,
        lcsProjectId: config.LCS_PROJECT_ID,
        lcsDelegated: config.AZURE_AUTH === 'default',
        powerPlatformApiUrl: config.POWER_PLATFORM_API_URL,
        bapApiUrl: config.BAP_API_URL,
        dualWriteGatewayUrl: config.DUALWRITE_GATEWAY_URL,
        dualWriteGatewayEnabled: config.DUALWRITE_GATEWAY_ENABLED,
        timeoutMs: config.HTTP_TIMEOUT_MS,
        // A diagnosis should answer in seconds, not wait out long retries.
        retry: { maxAttempts: 2 },
      });
    }
    const checks = await runDoctorChecks(platform, target);
    return { ok: checks.every((check) => check.ok), checks };
  } finally {
    await emulator?.close();
  }
}

/** One line of JSON: `{"ok":…,"checks":[{"name","ok","detail","fix"}]}`. */
export function doctorJson(result: DoctorResult): string {
  return JSON.stringify({
    ok: result.ok,
    checks: result.checks.map(({ name, ok, detail, fix }) => ({ name, ok, detail, fix })),
  });
}

/** A table for people: status, check, detail, and the fix under each failure. */
export function doctorTable(result: DoctorResult): string {
  const width = Math.max(...result.checks.map((check) => check.name.length), 5);
  const lines = result.checks.flatMap((check) => [
    `${check.ok ? 'ok  ' : 'FAIL'}  ${check.name.padEnd(width)}  ${check.detail}`,
    ...(check.ok ? [] : [`      ${' '.repeat(width)}  fix: ${check.fix}`]),
  ]);
  const failed = result.checks.filter((check) => !check.ok).length;
  return [...lines, '', failed ? `${failed} check(s) failed.` : 'Every check passed.'].join('\n');
}
