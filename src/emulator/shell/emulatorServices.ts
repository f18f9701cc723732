import { GatewayService } from '../dualWrite/gatewayService';
import { LifecycleService } from '../lcs/lifecycleService';
import { PowerPlatformIntegration } from '../powerPlatform/powerPlatformIntegration';
import { PowerPlatformService } from '../powerPlatform/powerPlatformService';
import { UnifiedEnvironments } from '../powerPlatform/unifiedEnvironments';
import type { EmulatorContext } from './emulatorContext';

/** The emulated services on one context, wired to one another as the emulator runs them. */
export function createEmulatorServices(ctx: EmulatorContext) {
  const lifecycle = new LifecycleService(ctx);
  const powerPlatform = new PowerPlatformService(ctx);
  const integration = new PowerPlatformIntegration(ctx, {
    url: (foEnv) => lifecycle.financeOpsUrl(foEnv),
    id: (foEnv) => lifecycle.findByName(foEnv)?.id,
  });
  const unified = new UnifiedEnvironments(ctx, powerPlatform, lifecycle, integration);
  powerPlatform.afterAdvance = () => unified.advance();
  const gateway = new GatewayService(ctx, lifecycle, powerPlatform, integration);
  return { lifecycle, powerPlatform, integration, unified, gateway };
}
