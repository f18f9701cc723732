import { z } from 'zod';
import { DOCUMENTED_FAILURE_NAMES } from './microsoft/documentedFailures';

/**
 * The emulator's live settings: time scale, injected HTTP faults and the domain failure modes
 * (docs/dynamics-apis.md). Mutable at run time through `PUT /_emulator/settings` (a validated partial
 * update), so a test can switch a failure on just for itself.
 */

/** One-shot faults: the next `count` matching requests get this answer instead of a real one. */
export const scriptedFaultSchema = z.object({
  /** Path prefix the fault applies to, e.g. `/fo/` or `/dualwrite/`; all non-control paths when absent. */
  pathPrefix: z.string().startsWith('/').optional(),
  method: z
    .string()
    .transform((m) => m.toUpperCase())
    .optional(),
  /** HTTP status to answer (429, 502, 503, 504...), or `timeout` to hold the request without answering. */
  status: z.union([z.number().int().min(400).max(599), z.literal('timeout')]),
  retryAfterSeconds: z.number().int().min(0).max(3600).optional(),
  count: z.number().int().min(1).max(1000).default(1),
});
export type ScriptedFault = z.infer<typeof scriptedFaultSchema>;

export const httpFaultsSchema = z.object({
  /** Added to every response, in real milliseconds (not scaled). */
  latencyMs: z.number().min(0).max(60_000).default(0),
  /** Share of requests (0..1) answered with a transient 502/503/504. */
  errorRate: z.number().min(0).max(1).default(0),
  /** Share of requests (0..1) answered with 429 + Retry-After. */
  throttleRate: z.number().min(0).max(1).default(0),
  retryAfterSeconds: z.number().int().min(0).max(3600).default(1),
  /** Share of requests (0..1) held without an answer for `hangMs` (the client times out). */
  timeoutRate: z.number().min(0).max(1).default(0),
  hangMs: z.number().int().min(0).max(600_000).default(35_000),
  /** Only paths starting with this prefix are affected by the rates above (all when absent). */
  pathPrefix: z.string().startsWith('/').optional(),
  /** Queue of one-shot faults, consumed in order. */
  scripted: z.array(scriptedFaultSchema).default([]),
});

export const failureModesSchema = z.object({
  /** LCS deployments fail with `DW9003 Failed to connect to CRM/AX`. */
  dw9003: z.boolean().default(false),
  /** New Dataverse environments get no dual-write application users. */
  missingAppUsers: z.boolean().default(false),
  /** Installing the dual-write core package fails; the core solution stays missing. */
  coreSolutionMissing: z.boolean().default(false),
  /** The core solution's plug-in assemblies are disabled: maps fail to start. */
  pluginsDisabled: z.boolean().default(false),
  /** New F&O environments report a platform release older than 10.0.9. */
  versionTooOld: z.boolean().default(false),
  /** Apply Solution publishes nothing: the map list stays blank. */
  blankMapList: z.boolean().default(false),
  /** Initial syncs fail with this HTTP status from F&O (400: import/export service stopped; 403). */
  initialSyncHttpError: z.union([z.literal(0), z.literal(400), z.literal(403)]).default(0),
  /** Every initial sync fails with the lookup-not-found error, prerequisites or not. */
  lookupNotFound: z.boolean().default(false),
  /** The caller has no Finance, SCM or Project Operations licence (nor an admin role): ERP templates and the provisioning app are refused. */
  noFinanceOpsLicence: z.boolean().default(false),
  /** Less than 1 GB of Operations or Dataverse database capacity is free: ERP environments are refused. */
  insufficientCapacity: z.boolean().default(false),
  /** Existing Dataverse environments are linked to an LCS environment: the provisioning app is refused. */
  dataverseLinkedToLcs: z.boolean().default(false),
  /** Documented failures switched on by name (microsoft/documentedFailures.ts; `PUT /_emulator/failures/{name}`). */
  documented: z.array(z.enum(DOCUMENTED_FAILURE_NAMES)).default([]),
  /** The limit of legal entities in one initial sync (documented: 40). */
  maxLegalEntitiesPerInitialSync: z.number().int().min(1).max(1000).default(40),
});

/**
 * Microsoft Entra and the Bot Framework token service as the emulator plays them (src/emulator/entra,
 * docs/fidelity.md "Entra: on-behalf-of and Teams SSO").
 */
export const identitySchema = z.object({
  /** LCS and the dual-write gateway refuse app-only tokens, as the real ones do (delegated only). */
  delegatedOnly: z.boolean().default(false),
  /** The app id URI the token service's OAuth connection exchanges a Teams SSO token for [inferred]. */
  exchangeAudience: z.string().min(1).default('api://00000000-0000-4000-8000-0000000000d1'),
  /** The token service has no consent for this user: the exchange answers 404 without a token. */
  exchangeRefused: z.boolean().default(false),
  /** OBO grants for this user (or anyone without oid) answer interaction_required with a claims challenge. */
  interactionRequired: z
    .object({
      oid: z.string().optional(),
      code: z.union([z.literal(50076), z.literal(50079)]).default(50079),
    })
    .nullable()
    .default(null),
  /** Who completes a device-code sign-in (the doctor's `--as-me`); null: the user never signs in. */
  deviceCodeUser: z
    .object({ oid: z.string().min(1), name: z.string().min(1) })
    .nullable()
    .default(null),
});

export const emulatorSettingsSchema = z.object({
  /** Multiplies every emulated duration: 0.01 turns an hour of provisioning into 36 s. */
  timeScale: z.number().positive().max(10),
  http: httpFaultsSchema,
  failures: failureModesSchema,
  identity: identitySchema,
});
export type EmulatorSettings = z.infer<typeof emulatorSettingsSchema>;

/** A partial update as `PUT /_emulator/settings` accepts it. */
export const settingsPatchSchema = z
  .object({
    timeScale: z.number().positive().max(10).optional(),
    http: httpFaultsSchema.partial().strict().optional(),
    failures: failureModesSchema.partial().strict().optional(),
    identity: identitySchema.partial().strict().optional(),
  })
  .strict();
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

export function defaultSettings(timeScale: number): EmulatorSettings {
  return emulatorSettingsSchema.parse({ timeScale, http: {}, failures: {}, identity: {} });
}

/** Applies a validated patch in place, so every holder of the settings object sees the change. */
export function applySettingsPatch(settings: EmulatorSettings, patch: SettingsPatch): EmulatorSettings {
  if (patch.timeScale !== undefined) settings.timeScale = patch.timeScale;
  if (patch.http) Object.assign(settings.http, dropUndefined(patch.http));
  if (patch.failures) Object.assign(settings.failures, dropUndefined(patch.failures));
  if (patch.identity) Object.assign(settings.identity, dropUndefined(patch.identity));
  return settings;
}

/** Real milliseconds for an emulated duration in seconds. */
export function scaledMs(settings: EmulatorSettings, emulatedSeconds: number): number {
  return Math.max(0, Math.round(emulatedSeconds * 1000 * settings.timeScale));
}

function dropUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
