import type { RequestHandler } from 'express';
import { sendJsonError } from '../shell/httpShell';
import type { EmulatorSettings } from '../settings';
import type { CallerLog, DelegatedService } from './callerLog';
import { callerOf } from './entraTokens';

/**
 * Lifecycle Services and the dual-write gateway take user (delegated) tokens only: LCS's API app has
 * "Delegated permissions only" (`user_impersonation`; Learn
 * https://learn.microsoft.com/dynamics365/fin-ops-core/dev-itpro/lifecycle-services/lcs-aad-app-reg), and
 * Microsoft's Dual-write-automations tool signs a user in for `https://IntegratorApp.com/.default`
 * (docs/dynamics-apis.md). With `identity.delegatedOnly` on, an app-only token gets 401 here; the status
 * and wording are [inferred]. Off by default, so the emulator's app credential keeps its old reach.
 */
export function delegatedOnly(
  settings: EmulatorSettings,
  service: DelegatedService,
  callers: CallerLog,
): RequestHandler {
  const name = service === 'lcs' ? 'Lifecycle Services' : 'The dual-write gateway';
  return (req, res, next) => {
    const caller = callerOf(req.header('authorization'));
    callers.record(service, caller);
    if (!settings.identity.delegatedOnly || caller.kind === 'user') return next();
    sendJsonError(
      res,
      401,
      'Unauthorized',
      `${name} accepts delegated (user) tokens only; an application token was sent.`,
    );
  };
}
