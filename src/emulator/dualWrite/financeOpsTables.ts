import { findMapFact } from '../microsoft/entityMaps';
import type { GatewayService } from './gatewayService';
import type { MapRow } from './gatewayTypes';

// What F&O shows of dual-write through OData, derived from the gateway's state (docs/dynamics-apis.md,
// "F&O dual-write configuration"):
// - `DualWriteProjectConfigurations` (the public collection of DualWriteProjectConfigurationEntity):
//   two rows per published map, no dataAreaId; `InternalEntityName` is the F&O entity label (e.g.
//   "Customers V3"), `ExternalEntityName` the Dataverse entity set (e.g. "accounts"),
//   `ExternalEnvironmentUrl` in this casing; `Status` an enum `DualWriteProjectStatus`.
// - `DualWriteProjectPartitionMappings`: one row per project and company.
// Which of the two rows is which direction, the project names and the mapping of map states onto
// `Status` are [inferred]. Two maps may share an `InternalEntityName` ("Customers V3" for `accounts`
// and for `contacts`, SEPARATED_SOLUTIONS): only the pair with `ExternalEntityName` names one map.

/** Map state -> DualWriteProjectStatus label. [inferred] */
const STATUS_OF: Record<MapRow['state'], string> = {
  Running: 'Enabled',
  Paused: 'Queueing',
  InitialSync: 'Disabled',
  NotRunning: 'Disabled',
  Stopped: 'Disabled',
  None: 'Disabled',
};

function projectNames(connectionId: string, index: number): [string, string] {
  const stem = `${connectionId.slice(0, 8)}_${String(index + 1).padStart(3, '0')}`;
  return [`${stem}_FO`, `${stem}_CE`];
}

export function projectConfigurations(
  gateway: GatewayService,
  foEnv: string,
): Array<Record<string, unknown>> {
  return gateway
    .connections()
    .filter((conn) => conn.fo_env.toLowerCase() === foEnv.toLowerCase())
    .flatMap((conn) =>
      gateway.maps(conn.id).flatMap((map, index) => {
        const fact = findMapFact(map.name);
        return projectNames(conn.id, index).map((projectName) => ({
          ProjectName: projectName,
          InternalEntityName: fact?.name ?? map.name,
          ExternalEntityName: fact?.dataverseEntitySet ?? '',
          ExternalLogicalEntityName: (fact?.dataverseEntitySet ?? '').replace(/ies$/, 'y').replace(/s$/, ''),
          ExternalEnvironmentUrl: conn.dv_url,
          Status: STATUS_OF[map.state],
          IsDebugMode: 'No',
          IsDelete: 'No',
          PartitionMap: fact?.financeOpsCompanyField === 'dataAreaId' ? 'dataAreaId' : '',
          QueryFilterExpression: '',
          IntegrationKey: '',
          FieldMap: '',
          AsyncMode: 'No',
        }));
      }),
    );
}

export function projectPartitionMappings(
  gateway: GatewayService,
  foEnv: string,
): Array<Record<string, unknown>> {
  return gateway
    .connections()
    .filter((conn) => conn.fo_env.toLowerCase() === foEnv.toLowerCase())
    .flatMap((conn) => {
      const companies = gateway.legalEntities(conn.id);
      return gateway.maps(conn.id).flatMap((_map, index) =>
        projectNames(conn.id, index).flatMap((projectName) =>
          companies.map((code) => ({
            ProjectName: projectName,
            ExternalCompanyName: code.toUpperCase(),
            InternalCompanyName: code.toLowerCase(),
          })),
        ),
      );
    });
}
