import type { AdaptiveCard } from '../cards/renderCard';
import { ssoAssertionOf } from '../cardSignIn';
import type { RunRequest } from '../verbEntry';
import { answer } from './runActions';

// "Continue as me" (AZURE_AUTH=obo, docs/deploy.md "Teams single sign-on"): the step that acts as the
// admin runs now with the clicker's exchanged SSO token as the on-behalf-of assertion. botApp.ts has
// already answered a click without one with Teams' login request (cardSignIn.ts).

export async function continueAsMe(request: RunRequest<'run.continueAsMe'>): Promise<AdaptiveCard> {
  const { services, context, actor, run, data } = request;
  const token = ssoAssertionOf(context);
  if (!token)
    return answer(
      request,
      {
        ok: false,
        code: 'invalid_state',
        message: 'Teams sent no sign-in with that click; press "Continue as me" again.',
        run,
      },
      'run',
    );
  const result = await services.engine.continueAsMe(run.id, data.stepId, actor, data.rev, token);
  return answer(request, result, 'run', undefined, 'Continuing with your rights.');
}
