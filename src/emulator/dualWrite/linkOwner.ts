import type { Caller } from '../entra/entraTokens';
import type { GatewayService } from './gatewayService';
import { GatewayError } from './gatewayTypes';

/**
 * "Only the user who setup the dual-write connection can add new table maps"; anyone else gets
 * "Response status code does not indicate success: 401 (Unauthorized)." (Learn
 * dual-write-troubleshooting-dual-write-module.md, "Error when you try to create a new table map").
 * The emulator holds starting maps and applying the maps solution to that rule [inferred: both add maps
 * to the connection]; a connection linked with an app token has no owner and no such check.
 */
export const NOT_LINK_OWNER =
  'Response status code does not indicate success: 401 (Unauthorized). Only the user who set up the dual-write connection can add new table maps.';

export function recordLinkOwner(service: GatewayService, connectionId: string, caller: Caller): void {
  if (caller.kind !== 'user') return;
  service.setLinkedBy(connectionId, caller.claims.oid);
}

export function requireLinkOwner(service: GatewayService, connectionId: string, caller: Caller): void {
  const owner = service.connection(connectionId).linked_by;
  if (!owner) return;
  if (caller.kind === 'user' && caller.claims.oid === owner) return;
  throw new GatewayError(401, 'Unauthorized', NOT_LINK_OWNER);
}
