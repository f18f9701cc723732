import { ODataError } from '../dataverse/odataErrors';
import { MAP_FACTS } from '../microsoft/entityMaps';
import { failureText } from '../microsoft/documentedFailures';
import type { EmulatorContext } from '../shell/emulatorContext';
import { switchedOn } from './gatewayChecks';

// Live sync (troubleshooting live sync page, docs/fidelity.md): the dual-write plug-in runs inside
// the Dataverse transaction, so a documented live-sync failure switched on fails a Dataverse write of
// a mapped table with the plug-in's text. [inferred] Any table with a dual-write map, whether its map
// runs or not: the Dataverse part of the emulator does not see the gateway's map state.

const MAPPED_TABLES = new Set(MAP_FACTS.map((fact) => fact.dataverseEntitySet));

export function liveWriteRefusal(ctx: EmulatorContext, entitySet: string): ODataError | undefined {
  if (!MAPPED_TABLES.has(entitySet)) return undefined;
  const failure = switchedOn(ctx, 'liveWrite');
  return failure && new ODataError(failure.status, failure.code, failureText(failure, {}));
}
