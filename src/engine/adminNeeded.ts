/**
 * AZURE_AUTH=obo: the bot's own platform refused a call to a service that takes delegated tokens only
 * (Lifecycle Services, the dual-write gateway: src/platform/adminOnly.ts) without sending it. Any step
 * that meets this waits for an admin's "Continue as me" and runs (or checks) again with that admin's
 * rights (actingAdmin.ts); a check before anyone clicked says it is not checkable until an admin acts.
 */
export function isAdminNeeded(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'admin_needed';
}
