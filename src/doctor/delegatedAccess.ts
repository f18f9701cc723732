import type { TokenCredential } from '@azure/identity';
import type { DoctorCheck } from './doctorChecks';

// `npm run doctor -- --as-me`: a person signs in (device code) with the Dynamics app registration and
// the doctor asks Entra, resource by resource, for a delegated token. What a signed-in admin can be
// given here is what an on-behalf-of grant of the same app can be given (the same consents), so a real
// tenant learns whether acting as the admin can work, the dual-write gateway's audience included.

export interface DelegatedResource {
  name: string;
  scope: string;
  /** What to do when Entra refuses (not a policy challenge). */
  fix: string;
}

/**
 * The resources whose delegated tokens the bot's user-only steps need: LCS (lcs-aad-app-reg.md,
 * "Dynamics Lifecycle services", `user_impersonation`), the dual-write gateway (docs/dynamics-apis.md:
 * `https://IntegratorApp.com/.default`), the Power Platform API and the BAP API, and Dataverse when
 * `--dv` names an org URL.
 */
const CONSENT = (permission: string) =>
  `Grant admin consent to ${permission} (delegated) for the app (docs/deploy.md, "Delegated tokens").`;

export function delegatedResources(dataverse: string): DelegatedResource[] {
  const resources: DelegatedResource[] = [
    {
      name: 'Lifecycle Services',
      scope: 'https://lcsapi.lcs.dynamics.com/.default',
      fix: CONSENT('Dynamics Lifecycle services: user_impersonation'),
    },
    {
      name: 'dual-write gateway',
      scope: 'https://IntegratorApp.com/.default',
      fix: 'The gateway is an internal API with no permission to grant: sign in as a System Administrator of both environments (docs/deploy.md, "Delegated tokens").',
    },
    {
      name: 'Power Platform API',
      scope: 'https://api.powerplatform.com/.default',
      fix: CONSENT('Power Platform API'),
    },
    {
      name: 'Power Platform admin (BAP)',
      scope: 'https://service.powerapps.com/.default',
      fix: CONSENT('PowerApps Service: User'),
    },
  ];
  if (/^https?:\/\//i.test(dataverse)) {
    const url = new URL(dataverse);
    resources.push({
      name: 'Dataverse',
      scope: `${url.protocol}//${url.host}/.default`,
      fix: CONSENT('Dynamics CRM: user_impersonation'),
    });
  }
  return resources;
}

/** One check per resource: could the signed-in person get a delegated token for it? */
export async function checkDelegatedAccess(
  credential: TokenCredential,
  resources: DelegatedResource[],
): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  // One at a time: the first asks the person to sign in, the others reuse that sign-in.
  for (const resource of resources) {
    const name = `delegated token: ${resource.name}`;
    try {
      const token = await credential.getToken(resource.scope);
      checks.push({
        name,
        state: token ? 'ok' : 'blocker',
        ok: Boolean(token),
        knownErrors: [],
        detail: token ? `Entra ID issued a delegated token for ${resource.scope}.` : 'No token was issued.',
        fix: token ? '' : resource.fix,
      });
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
      const challenge = /interaction_required|AADSTS5007[69]/.test(message);
      checks.push({
        name,
        state: 'blocker',
        ok: false,
        knownErrors: [],
        detail: `Refused for ${resource.scope}: ${message}`,
        fix: challenge
          ? 'A Conditional Access or multi-factor policy applies: the admin signs in again when the bot asks; nothing to consent.'
          : resource.fix,
      });
    }
  }
  return checks;
}
