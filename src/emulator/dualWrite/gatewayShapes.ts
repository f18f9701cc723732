// What the dual-write gateway answers, in the shapes of Microsoft's Dual-write-automations tool (the
// only public description of this internal API): DWLibary/Struct/DWEnvironment.cs, DWMaps.cs,
// DWConnectionSet.cs and SolutionHelpers.cs. Values the tool reads but the emulator has no model of are
// left out; values it never shows are marked inferred.

import { findMapFact } from '../microsoft/entityMaps';
import {
  MAP_STATE_CODES,
  REQUEST_STATES,
  templateId,
  type ConnectionRow,
  type JobRow,
  type MapRow,
} from './gatewayTypes';

/** The connection's name (`cname`, the key of `api/ConnectionSet/{cname}`) [inferred format]. */
export function connectionName(conn: ConnectionRow): string {
  return `dualwrite-${conn.id.replace(/-/g, '')}`;
}

/** `identifier` of `Environments`: the F&O URL without its scheme (the host, for a real F&O URL). */
export function financeOpsIdentifier(url: string): string {
  return url
    .trim()
    .replace(/^https?:\/\//i, '')
    .replace(/\/+$/, '')
    .toLowerCase();
}

/** One row of `GET Environments?targetType=AX&identifier=` (DWEnvironment.cs). */
export function toEnvironment(conn: ConnectionRow, powerAppsEnvironment: string): Record<string, unknown> {
  return {
    cid: conn.id,
    cname: connectionName(conn),
    targetType: 'AX',
    displayName: conn.fo_env,
    detail: { isSolutionAware: true },
    powerAppsEnvironment,
  };
}

/** `GET api/ConnectionSet/{cname}` (DWConnectionSet.cs): the two environments and the companies. */
export function toConnectionSet(
  conn: ConnectionRow,
  powerAppsEnvironment: string,
  legalEntities: string[],
): Record<string, unknown> {
  const ax = financeOpsIdentifier(conn.fo_url);
  const crm = financeOpsIdentifier(conn.dv_url);
  const environment = (targetType: 'AX' | 'CRM', name: string, displayName: string, directUrl: string) => ({
    name,
    connectionSetName: connectionName(conn),
    targetType,
    environmentDisplayName: displayName,
    powerAppsEnvironment,
    // The Dataverse org URL on the CRM side [inferred: the tool copies it into the reset payload].
    directUrl,
    isDevInstance: false,
  });
  return {
    id: conn.id,
    name: connectionName(conn),
    displayName: `${conn.fo_env} - ${conn.dv_org}`,
    environments: {
      [ax]: environment('AX', ax, conn.fo_env, conn.fo_url),
      [crm]: environment('CRM', crm, conn.dv_org, conn.dv_url),
    },
    targetTypeList: ['AX', 'CRM'],
    forDualWrite: true,
    dualWriteDetail: {
      isSolutionAware: true,
      // left = the F&O company: ResetLinkEngine.getAddCurrentLegalEntities posts `left.name` back.
      legalEntityMappings: {
        leftEnvironment: ax,
        rightEnvironment: crm,
        mappings: legalEntities.map((code) => ({
          left: { name: code.toLowerCase(), id: code.toLowerCase() },
          right: { name: code.toLowerCase(), id: code.toLowerCase() },
        })),
      },
    },
    createdDateTime: new Date(conn.created_at).toISOString(),
  };
}

/** One entry of `detail.lastRequests` (DWMapLastRequest); `action` and `state` are strings. */
export function toLastRequest(job: JobRow): Record<string, unknown> {
  const at = new Date(job.created_at).toISOString();
  return {
    // Jobs of one multi-map request are stored as `<requestId>#<n>`.
    requestId: job.id.split('#')[0],
    action: String(job.action),
    createdOn: at,
    modifiedOn: at,
    state: REQUEST_STATES[job.status],
    errorMessage: job.status === 'Failed' ? job.error : null,
  };
}

/**
 * One map of `GET Entities?targetType=AX&cid=` and of `Status/{requestId}` (DWMap). A map is its
 * Dataverse table and its name: `detail.tName` is `<Dataverse set> - <map name>`, the string the tool
 * matches its App.config `mapName` on (`accounts - Customers V3`, DWMapEngine.cs) and writes back from
 * `detail.tName` when it exports a config [inferred from the tool]; `rightEntity.name` is the
 * Dataverse set (the tool keys integration keys on it). The template carries the same name [inferred].
 */
export function toMap(map: MapRow, requests: JobRow[]): Record<string, unknown> {
  const definition = findMapFact(map.name);
  const key = definition?.key ?? map.name;
  const tid = templateId(key);
  const template = {
    id: tid,
    name: key,
    readOnly: true,
    displayName: key,
    author: 'Microsoft',
    version: { major: 1, minor: 0, build: 0, revision: 0 }, // [inferred]
  };
  const lastRequests = requests.map(toLastRequest);
  return {
    // F&O entity left (its label the map's name), Dataverse table right [inferred: the tool's wiki
    // pages are titled `leftEntity.displayName - rightEntity.displayName`].
    leftEntity: {
      targetType: 'AX',
      name: definition?.financeOpsEntitySet ?? map.name,
      displayName: definition?.name ?? map.name,
    },
    rightEntity: {
      targetType: 'CRM',
      name: definition?.dataverseEntitySet ?? map.name,
      displayName: definition?.dataverseEntitySet ?? map.name,
    },
    detail: {
      tid,
      tName: key,
      template,
      templates: [template],
      pid: map.pid,
      // The tool converts `state` with Convert.ToInt16: a numeric string (DWMaps.cs).
      state: String(MAP_STATE_CODES[map.state]),
      lastRequest: lastRequests[0] ?? null,
      lastRequests,
      isProjectDeleted: false,
    },
  };
}

/** `SolutionAware/{cid}/Status/{requestId}` (SolutionResult). */
export function toSolutionResult(job: JobRow): Record<string, unknown> {
  return {
    ...toLastRequest(job),
    result: { message: job.error ?? 'Succeeded', status: job.status },
  };
}
