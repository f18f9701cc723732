import type { DualWritePort, LifecyclePort } from '../engine/ports';
import { PlatformError } from './platformError';

// AZURE_AUTH=obo (docs/deploy.md "Teams single sign-on"): Lifecycle Services and the dual-write gateway
// take delegated (user) tokens only (Learn
// https://learn.microsoft.com/dynamics365/fin-ops-core/dev-itpro/lifecycle-services/lcs-aad-app-reg:
// "Delegated permissions only"; docs/dynamics-apis.md for the gateway). The bot's own platform never
// sends them its app token: every call refuses at once with `admin_needed`, and the engine runs the
// step again on a platform acting as the admin (actingAdmin.ts). A check without one says so.

/** Nothing was sent: the service needs an admin's own token, and no admin has acted yet. */
export class AdminNeededError extends PlatformError {
  constructor(readonly service: string) {
    super(
      'admin_needed',
      `${service} takes an admin's own (delegated) token, never the bot's: not checkable until an admin acts ("Continue as me")`,
    );
    this.name = 'AdminNeededError';
  }
}

const LCS = 'Lifecycle Services';
const GATEWAY = 'The dual-write service';

export function lifecycleAwaitingAdmin(): LifecyclePort {
  const refuse = async (): Promise<never> => {
    throw new AdminNeededError(LCS);
  };
  return { findFinanceOps: refuse, deployFinanceOps: refuse, getFinanceOps: refuse };
}

/** Every gateway call, reads included (the optional ones too, so no step takes another path). */
export function gatewayAwaitingAdmin(): DualWritePort {
  const refuse = async (): Promise<never> => {
    throw new AdminNeededError(GATEWAY);
  };
  return {
    findConnection: refuse,
    linkedDataverse: refuse,
    createConnection: refuse,
    addLegalEntities: refuse,
    applySolution: refuse,
    listMaps: refuse,
    prerequisiteSequence: refuse,
    runMap: refuse,
  };
}
