import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator';
import type { DualWriteConnection, Platform } from '../../src/engine/ports';
import { createPlatform } from '../../src/platform/createPlatform';

/** Helpers shared by the emulator and platform client tests. */
/** Response bodies, asserted field by field in the tests. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TestBody = any;

export const TOKEN = { Authorization: 'Bearer emulator.test' };

export function tempDataFile(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'emulator-')), 'emulator.sqlite');
}

/** A small, fast emulator: an hour of provisioning takes 0.36 s. */
export function startTestEmulator(overrides: Partial<EmulatorOptions> = {}): Promise<RunningEmulator> {
  return startEmulator({
    port: 0,
    dataFile: tempDataFile(),
    timeScale: 0.0001,
    seed: {
      customersPerCompany: 5,
      vendorsPerCompany: 3,
      existingDataverse: { name: 'contoso', accounts: 20, contacts: 10, appUsers: true },
      ...overrides.seed,
    },
    ...overrides,
  });
}

/** Polls until `done(value)` holds; fails after `timeoutMs`. */
export async function pollUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`Condition not met in ${timeoutMs} ms; last value ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function control(
  emulator: RunningEmulator,
  method: string,
  route: string,
  body?: unknown,
): Promise<{ status: number; body: TestBody }> {
  const response = await fetch(`${emulator.url}/_emulator/${route}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

export async function api(
  emulator: RunningEmulator,
  route: string,
  init: RequestInit = {},
): Promise<{ status: number; headers: Headers; body: TestBody }> {
  const response = await fetch(`${emulator.url}${route}`, {
    ...init,
    headers: { ...TOKEN, 'Content-Type': 'application/json', ...(init.headers as Record<string, string>) },
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // plain text ($count) stays text
  }
  return { status: response.status, headers: response.headers, body };
}

/** The seeded `contoso-fo` and `contoso`, the core and application-core packages installed in `contoso`. */
export async function installCorePackages(platform: Platform) {
  const fo = (await platform.lifecycle.findFinanceOps('contoso-fo'))!;
  const dv = (await platform.powerPlatform.findDataverse('contoso'))!;
  for (const pkg of ['DualWriteCoreAnchor', 'msdyn_DualWriteAppCoreAnchor']) {
    const op = await platform.powerPlatform.installPackage(dv.id, pkg);
    await pollUntil(
      () => platform.powerPlatform.getPackageOperation(dv.id, op.id),
      (o) => o.status !== 'running',
    );
  }
  return { fo, dv };
}

/**
 * The seeded `contoso-fo` and `contoso` with the core and application-core dual-write packages
 * installed and linked for USMF: the start of every gateway test.
 */
export async function linkContoso(platform: Platform): Promise<DualWriteConnection> {
  const { fo, dv } = await installCorePackages(platform);
  return platform.dualWrite.createConnection({
    financeOpsUrl: fo.url,
    dataverseUrl: dv.url,
    legalEntities: ['USMF'],
  });
}

/** The platform clients against a test emulator, with quick retries. */
export function testPlatform(emulatorUrl: string): Platform {
  return createPlatform({ mode: 'emulator', emulatorUrl, retry: { baseDelayMs: 10, maxDelayMs: 50 } });
}

/**
 * Each case on its own test emulator, with the platform clients against it (no case depends on
 * another's state): starts one before each case, hands it to `use`, closes it after the case. The
 * function returned replaces the case's emulator by one started with other options.
 */
export function emulatorPerCase(
  use: (rig: { emulator: RunningEmulator; platform: Platform }) => void,
): (overrides: Partial<EmulatorOptions>) => Promise<void> {
  let emulator: RunningEmulator | undefined;
  const start = async (overrides: Partial<EmulatorOptions> = {}) => {
    emulator = await startTestEmulator(overrides);
    use({ emulator, platform: testPlatform(emulator.url) });
  };
  beforeEach(() => start());
  afterEach(async () => {
    await emulator?.close();
  });
  return async (overrides) => {
    await emulator?.close();
    await start(overrides);
  };
}

/** The bot's app registration and two users, as the Entra tests name them to the emulated Entra. */
export const ENTRA_CLIENT_ID = '11111111-2222-4333-8444-555555555555';
export const USER_X = '00000000-0000-4000-8000-0000000000a1';
export const USER_Y = '00000000-0000-4000-8000-0000000000a2';
export const GATEWAY_SCOPE = 'https://IntegratorApp.com/.default';

/** A Teams SSO token of `oid` for the bot's app (or `audience`), minted by the emulated Entra. */
export async function ssoTokenOf(
  emulator: RunningEmulator,
  oid: string,
  audience = `api://${ENTRA_CLIENT_ID}`,
  expiresInSeconds = 3600,
): Promise<string> {
  const answer = await control(emulator, 'POST', 'entra/ssoToken', {
    oid,
    name: oid,
    audience,
    expiresInSeconds,
  });
  expect(answer.status).toBe(200);
  return answer.body.token;
}

/** The claims of a token the emulator issued (`emulator.` and base64url JSON). */
export const claimsOf = (token: string): TestBody =>
  JSON.parse(Buffer.from(token.slice('emulator.'.length), 'base64url').toString());
