import { z } from 'zod';
import type { MapIdentity } from '../../engine/ports';

// The dual-write management gateway's JSON, as Microsoft's Dual-write-automations tool reads and sends
// it (docs/dynamics-apis.md, "Dual-write management gateway"). Only the fields the bot uses are
// required; the rest passes through. Tool files: DWLibary/Struct/DWEnvironment.cs, DWMaps.cs,
// DWConnectionSet.cs, MapsHelper.cs, SolutionHelpers.cs, ResetLinkPayload.cs.

export const DWM_PATH = '/api/DualWriteManagement/1.0';
/** `Start` actions (DWEnums.StartStop, DWMapEngine.startStopMap): strings on the wire. */
export const START_ACTIONS = { start: '1', stop: '4', pause: '5', resume: '6', init: '8' } as const;
/** `Apply` of RestoreTemplates (DWSolutionEngine.buildSolutionRequest). */
export const RESTORE_TEMPLATES_APPLY = '2';
/** DWEnums.RequestStatus: `lastRequests[].state` and the solution `Status` `state`. */
export const REQUEST_STATE = { waiting: '1', completed: '2', error: '3' } as const;

/** One row of `GET Environments?targetType=AX&identifier=` (DWEnvironment). */
export const environmentSchema = z
  .object({
    cid: z.string().min(1),
    cname: z.string().min(1),
    targetType: z.string().optional(),
    displayName: z.string().nullish(),
    powerAppsEnvironment: z.string().nullish(),
  })
  .passthrough();
export type GatewayEnvironment = z.infer<typeof environmentSchema>;

const connSetEnvironmentSchema = z
  .object({
    name: z.string(),
    targetType: z.string(),
    environmentDisplayName: z.string().nullish(),
    powerAppsEnvironment: z.string().nullish(),
    directUrl: z.string().nullish(),
    isDevInstance: z.boolean().optional(),
  })
  .passthrough();
export type ConnectionSetEnvironment = z.infer<typeof connSetEnvironmentSchema>;

/** `GET api/ConnectionSet/{cname}` (DWConnectionSet): the two environments and the companies. */
export const connectionSetSchema = z
  .object({
    id: z.string().min(1),
    name: z.string().optional(),
    environments: z.record(connSetEnvironmentSchema),
    dualWriteDetail: z
      .object({
        legalEntityMappings: z
          .object({
            mappings: z
              .array(z.object({ left: z.object({ name: z.string() }).passthrough() }).passthrough())
              .nullish(),
          })
          .passthrough()
          .nullish(),
      })
      .passthrough()
      .nullish(),
  })
  .passthrough();
export type ConnectionSet = z.infer<typeof connectionSetSchema>;

const lastRequestSchema = z
  .object({
    requestId: z.string(),
    action: z.string().nullish(),
    state: z.string().nullish(),
    errorMessage: z.string().nullish(),
  })
  .passthrough();

/** One map of `GET Entities?targetType=AX&cid=` and of `Status/{requestId}` (DWMap). */
export const mapSchema = z
  .object({
    leftEntity: z.object({ name: z.string(), displayName: z.string().nullish() }).passthrough(),
    rightEntity: z.object({ name: z.string() }).passthrough(),
    detail: z
      .object({
        tid: z.string(),
        tName: z.string().nullish(),
        pid: z.string().nullish(),
        // A numeric string (the tool converts it with Convert.ToInt16); numbers are taken too.
        state: z.union([z.string(), z.number()]).nullish(),
        template: z.object({ id: z.string() }).passthrough().nullish(),
        lastRequest: lastRequestSchema.nullish(),
        lastRequests: z.array(lastRequestSchema).nullish(),
      })
      .passthrough(),
  })
  .passthrough();
export type GatewayMap = z.infer<typeof mapSchema>;

/** The answer of `Start` and of `RestoreTemplates` (MapsRequestResponse, SolutionRequestResponse). */
export const requestIdSchema = z.object({ requestId: z.string().min(1) }).passthrough();

/** `SolutionAware/{cid}/Status/{requestId}` (SolutionResult). */
export const solutionResultSchema = z
  .object({
    state: z.string(),
    result: z.object({ message: z.string().nullish() }).passthrough().nullish(),
  })
  .passthrough();

export const solutionsSchema = z.array(z.object({ uniquename: z.string().min(1) }).passthrough());

/** The Dataverse side of a connection set: `CRM` (or a `CDS` type), as DWCommonEngine picks it. */
export function crmEnvironment(set: ConnectionSet): ConnectionSetEnvironment | undefined {
  return Object.values(set.environments).find(
    (env) => env.targetType === 'CRM' || env.targetType.includes('CDS'),
  );
}

export function axEnvironment(set: ConnectionSet): ConnectionSetEnvironment | undefined {
  return Object.values(set.environments).find((env) => env.targetType === 'AX');
}

/** The F&O company codes linked (`legalEntityMappings.mappings[].left.name`, ResetLinkEngine). */
export function linkedLegalEntities(set: ConnectionSet): string[] {
  const codes = (set.dualWriteDetail?.legalEntityMappings?.mappings ?? []).map((m) =>
    m.left.name.toUpperCase(),
  );
  return [...new Set(codes)];
}

/**
 * The map's table and name. The tool matches maps on `detail.tName` and names them `<Dataverse set> -
 * <map name>` (App.config: `accounts - Customers V3`) [inferred from the tool]; `rightEntity.name` is
 * the Dataverse set. A `tName` without the table prefix is taken as the bare name.
 */
export function mapIdentityOf(map: GatewayMap): MapIdentity {
  const table = map.rightEntity.name;
  const tName = map.detail.tName ?? '';
  const prefix = `${table} - `;
  const name = tName.toLowerCase().startsWith(prefix.toLowerCase())
    ? tName.slice(prefix.length)
    : tName || map.leftEntity.displayName || map.leftEntity.name;
  return { table, name };
}

/** The template `Start` names: the applied template's id (DWMapEngine uses `applyTemplate.id`). */
export function templateIdOf(map: GatewayMap): string {
  return map.detail.template?.id ?? map.detail.tid;
}

/** The request of `requestId` among the maps `Status/{requestId}` answers (or `Entities`). */
export function requestState(
  maps: GatewayMap[],
  requestId: string,
): { state: string; errorMessage?: string } | undefined {
  for (const map of maps) {
    const found = [...(map.detail.lastRequests ?? []), map.detail.lastRequest].find(
      (request) => request?.requestId === requestId,
    );
    if (found) return { state: found.state ?? '', errorMessage: found.errorMessage ?? undefined };
  }
  return undefined;
}
