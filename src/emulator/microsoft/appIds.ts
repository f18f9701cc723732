import { APP_MIGRATION, REQUIREMENTS } from './sources';

// The dual-write application ids, and on which side each one is registered.

/**
 * Application users the dual-write health check looks for in Dataverse (REQUIREMENTS: "App user with
 * id 00000015-… exists", "… 2e49aa60-… exists"). From September 1, 2025 the F&O-to-Dataverse app
 * 00000015-… is replaced by f1752846-… (APP_MIGRATION), so either one satisfies the first check.
 */
export const DATAVERSE_APPLICATION_USERS: ReadonlyArray<{ anyOf: readonly string[]; source: string }> = [
  {
    anyOf: ['00000015-0000-0000-c000-000000000000', 'f1752846-f0df-4766-96f5-c109adf67d7f'],
    source: `${REQUIREMENTS}; ${APP_MIGRATION}`,
  },
  { anyOf: ['2e49aa60-1bd3-43b6-8ab6-03ada3d9f08b'], source: REQUIREMENTS },
];

/**
 * Client ids registered on F&O's Microsoft Entra applications page (`?mi=SysAADClientTable`), not in
 * Dataverse (REQUIREMENTS, current version; 33976c19-… only for core solution versions before 1.0.16).
 */
export const FINANCE_OPS_ENTRA_APPLICATIONS: readonly string[] = [
  '6f7d0213-62b1-43a8-b7f4-ff2bb8b7b452',
  '2e49aa60-1bd3-43b6-8ab6-03ada3d9f08b',
];

/** The first app id of each Dataverse check: what a freshly provisioned environment carries. */
export const DEFAULT_DATAVERSE_APP_USERS: readonly string[] = DATAVERSE_APPLICATION_USERS.map(
  (check) => check.anyOf[0],
);

/** The F&O platform release dual-write needs at least: platform update 33, app version 10.0.9 (REQUIREMENTS). */
export const MIN_FINANCE_OPS_VERSION = '10.0.9';

/** Compares dotted versions numerically ("10.0.38" > "10.0.9"). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((part) => Number.parseInt(part, 10) || 0);
  const pb = b.split('.').map((part) => Number.parseInt(part, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return Math.sign(diff);
  }
  return 0;
}
