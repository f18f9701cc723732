import { ODataError } from '../dataverse/odataErrors';
import { findMapFact } from '../microsoft/entityMaps';
import { failureText } from '../microsoft/documentedFailures';
import type { EmulatorContext } from '../shell/emulatorContext';
import { switchedOn } from './gatewayChecks';

// Live sync (troubleshooting live sync page, docs/fidelity.md): the dual-write plug-in runs inside
// the Dataverse transaction, so a documented live-sync failure switched on fails a Dataverse write of
// a table whose map runs (a running map of a link of this org, as the gateway's map state says), with
// the plug-in's text. A table without a running map has no live sync to fail.

/** The Dataverse tables of this org's running maps. */
function liveSyncedTables(ctx: EmulatorContext, org: string): Set<string> {
  const running = ctx.db
    .prepare(
      "SELECT m.name FROM gw_maps m JOIN gw_connections c ON c.id = m.connection_id WHERE c.dv_org = ? AND m.state = 'Running'",
    )
    .all(org) as Array<{ name: string }>;
  return new Set(running.flatMap(({ name }) => findMapFact(name)?.dataverseEntitySet ?? []));
}

export function liveWriteRefusal(
  ctx: EmulatorContext,
  org: string,
  entitySet: string,
): ODataError | undefined {
  const failure = switchedOn(ctx, 'liveWrite');
  if (!failure || !liveSyncedTables(ctx, org).has(entitySet)) return undefined;
  return new ODataError(failure.status, failure.code, failureText(failure, {}));
}
