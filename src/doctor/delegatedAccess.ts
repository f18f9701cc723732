import type { TokenCredential } from '@azure/identity';
import type { DoctorCheck } from './doctorChecks';

// `npm run doctor -- --as-me`: a person signs in (device code) with the Dynamics app registration and
// the doctor asks Entra, resource by resource, for a delegated token. What a signed-in admin can be
// given here is what an on-behalf-of grant of the same app can be given (the same consents), so a real
// tenant learns whether acting as the admin can work, the dual-write gateway's audience included.

export interface DelegatedResource {
  name: string;
  scope: string;
  /** The delegated permission to consent to when Entra refuses. */
  permission: string;
}

/**
 * The resources whose delegated tokens the bot's user-only steps need: LCS (lcs-aad-app-reg.md,
 * "Dynamics Lifecycle services", `user_impersonation`), the dual-write gateway (docs/dynamics-apis.md:
 * `https://IntegratorApp.com/.default`), the Power Platform API and the BAP API, and Dataverse when
 * `--dv` names an org URL.
 */
export function delegatedResources(dataverse: string): DelegatedResource[] {
  const resources: DelegatedResource[] = [
    {
      name: 'Lifecycle Services',
      scope: 'https://lcsapi.lcs.dynamics.com/.default',
      permission: 'Dynamics Lifecycle services: user_impersonation',
    },
    {
      name: 'dual-write gateway',
      scope: 'https://IntegratorApp.com/.default',
      permission: 'none to grant: the gateway is an internal API (docs/deploy.md)',
    },
    {
      name: 'Power Platform API',
      scope: 'https://api.powerplatform.com/.default',
      permission: 'Power Platform API: the delegated permissions the steps use',
    },
    {
      name: 'Power Platform admin (BAP)',
      scope: 'https://service.powerapps.com/.default',
      permission: 'PowerApps Service: User',
    },
  ];
  if (/^https?:\/\//i.test(dataverse)) {
    const url = new URL(dataverse);
    resources.push({
      name: 'Dataverse',
      scope: `${url.protocol}//${url.host}/.default`,
      permission: 'Dynamics CRM: user_impersonation',
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
        ok: Boolean(token),
        detail: token ? `Entra ID issued a delegated token for ${resource.scope}.` : 'No token was issued.',
        fix: token
          ? ''
          : `Consent to ${resource.permission} for the app (docs/deploy.md, "Act as the admin").`,
      });
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
      const challenge = /interaction_required|AADSTS5007[69]/.test(message);
      checks.push({
        name,
        ok: false,
        detail: `Refused for ${resource.scope}: ${message}`,
        fix: challenge
          ? 'A Conditional Access or multi-factor policy applies: the admin signs in again when the bot asks; nothing to consent.'
          : `Consent to ${resource.permission} for the app (docs/deploy.md, "Act as the admin").`,
      });
    }
  }
  return checks;
}
