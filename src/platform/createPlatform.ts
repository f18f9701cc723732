import type { TokenCredential } from '@azure/identity';
import type { DataversePort, FinanceOpsPort, Platform } from '../engine/ports';
import type { Logger } from '../log';
import { createDataverseClient } from './dataverse/dataverseClient';
import { createDualWriteClient, GATEWAY_SCOPE } from './dualWrite/dualWriteClient';
import { createDualWriteReader } from './dualWrite/dualWriteReader';
import { createFinanceOpsClient } from './financeOps/financeOpsClient';
import { createCredential } from './http/credentials';
import { createDynamicsUrlPolicy, type DynamicsUrlPolicy } from './http/dynamicsUrls';
import type { RetryOptions } from './http/httpPolicy';
import { createLifecycleClient } from './lifecycle/lifecycleClient';
import { PlatformError, trimUrl } from './platformError';
import { gatewayAwaitingAdmin, lifecycleAwaitingAdmin } from './adminOnly';
import { createPowerPlatformClient } from './powerPlatform/powerPlatformClient';

/**
 * Wires the platform clients into the engine's `Platform`. The same client code talks to the real
 * services or to the embedded emulator; only the base URLs, the credential and the capabilities
 * differ. Clients per environment URL are created once and reused.
 *
 * `obo` (AZURE_AUTH=obo): `app` is the bot's own platform, whose Lifecycle Services and gateway calls
 * refuse at once (adminOnly.ts: they take delegated tokens only); `admin` is a platform whose
 * credential acts on behalf of one admin, and reaches both with that admin's token.
 */
export type OboRole = 'app' | 'admin';

export type PlatformOptions =
  | {
      mode: 'emulator';
      emulatorUrl: string;
      /**
       * The platform as one admin (an on-behalf-of credential, http/onBehalfOf.ts); default the local
       * app credential whose tokens the emulator accepts.
       */
      credential?: TokenCredential;
      obo?: OboRole;
      /** Location of the environments created (POWER_PLATFORM_REGION; default `unitedstates`). */
      region?: string;
      logger?: Logger;
      retry?: Partial<RetryOptions>;
      /** Per-request timeout (default 30 s). */
      timeoutMs?: number;
    }
  | {
      mode: 'live';
      credential: TokenCredential;
      lcsApiUrl?: string;
      lcsProjectId?: string;
      /**
       * True when the credential signs in a user (AZURE_AUTH=default, e.g. `az login`): the LCS API
       * takes delegated user_impersonation tokens only, never an app's; so does the dual-write gateway.
       */
      lcsDelegated?: boolean;
      /**
       * AZURE_AUTH=obo: the steps that need LCS or the gateway run on an `admin` platform, so their
       * steps are automatic even though the `app` platform's credential is an app's.
       */
      obo?: OboRole;
      powerPlatformApiUrl: string;
      bapApiUrl: string;
      /** Templates of a new Dataverse environment with the Dynamics 365 apps (DATAVERSE_APP_TEMPLATES). */
      dataverseAppTemplates?: readonly string[];
      /** Location of the environments created (POWER_PLATFORM_REGION; default `unitedstates`). */
      region?: string;
      dualWriteGatewayUrl?: string;
      dualWriteGatewayEnabled: boolean;
      /** Allowed host suffixes of environment URLs (default: Microsoft's clouds, dynamicsUrls.ts). */
      hostSuffixes?: readonly string[];
      /** Exact origins trusted besides them: only tests running live mode against a loopback emulator. */
      trustedOrigins?: readonly string[];
      logger?: Logger;
      retry?: Partial<RetryOptions>;
      timeoutMs?: number;
    };

/** Scopes of the real Power Platform APIs (the BAP API's audience is the PowerApps service). */
const BAP_SCOPE = 'https://service.powerapps.com/.default';
const POWER_PLATFORM_SCOPE = 'https://api.powerplatform.com/.default';
const LCS_SCOPE = 'https://lcsapi.lcs.dynamics.com/.default';

export function createPlatform(options: PlatformOptions): Platform {
  const { logger, retry, timeoutMs } = options;
  const common = { logger, retry, timeoutMs };

  if (options.mode === 'emulator') {
    const base = trimUrl(options.emulatorUrl);
    const credential = options.credential ?? createCredential({ kind: 'emulator' });
    const asApp = options.obo === 'app';
    return assemble({
      credential,
      common,
      lifecycle: asApp
        ? lifecycleAwaitingAdmin()
        : createLifecycleClient({
            baseUrl: `${base}/lcs`,
            projectId: '1',
            credential,
            canDeploy: true,
            ...common,
          }),
      powerPlatform: createPowerPlatformClient({
        bapApiUrl: `${base}/bap`,
        powerPlatformApiUrl: `${base}/powerplatform`,
        region: options.region,
        credential,
        ...common,
      }),
      dualWrite: asApp
        ? gatewayAwaitingAdmin()
        : createDualWriteClient({
            gatewayUrl: `${base}/dualwrite`,
            credential,
            canLink: true,
            ...common,
          }),
      capabilities: {
        deployFinanceOps: true,
        dualWriteGateway: true,
        linkDualWrite: true,
        createLegalEntity: true,
      },
      urls: createDynamicsUrlPolicy({ mode: 'emulator', emulatorOrigin: base }),
    });
  }

  const { credential } = options;
  const delegated = options.lcsDelegated || options.obo === 'admin';
  const urls = createDynamicsUrlPolicy({
    mode: 'live',
    hostSuffixes: options.hostSuffixes,
    trustedOrigins: options.trustedOrigins,
  });
  const lifecycle = !(options.lcsApiUrl && options.lcsProjectId)
    ? unavailableLifecycle()
    : options.obo === 'app'
      ? lifecycleAwaitingAdmin()
      : !delegated
        ? unavailableLifecycle(
            'The LCS API takes delegated (user) tokens only: with an app credential (AZURE_AUTH=client-secret or managed-identity) the bot cannot read LCS. Use AZURE_AUTH=obo or default, or check the environment in the LCS portal.',
          )
        : createLifecycleClient({
            baseUrl: options.lcsApiUrl,
            projectId: options.lcsProjectId,
            credential,
            canDeploy: false,
            scope: LCS_SCOPE,
            ...common,
          });
  // Without the gateway the admin does the dual-write steps in F&O; the engine reads their result
  // through F&O OData (documented reads) and every write refuses with not_supported. The gateway takes
  // delegated (user) tokens for IntegratorApp.com only (docs/dynamics-apis.md): with an app credential
  // the steps stay manual. Even with the gateway, linking stays manual (no public create endpoint).
  const gatewayRefusal = !options.dualWriteGatewayEnabled
    ? undefined
    : !options.dualWriteGatewayUrl
      ? 'DUALWRITE_GATEWAY_ENABLED is on but DUALWRITE_GATEWAY_URL is not set: do this step in Finance and Operations, Data management > Dual-write.'
      : !delegated && !options.obo
        ? 'The dual-write gateway takes delegated (user) tokens only: with an app credential (AZURE_AUTH=client-secret or managed-identity) do this step in Finance and Operations, Data management > Dual-write.'
        : undefined;
  const useGateway = options.dualWriteGatewayEnabled && !gatewayRefusal;
  const dualWrite =
    useGateway && options.dualWriteGatewayUrl
      ? options.obo === 'app'
        ? gatewayAwaitingAdmin()
        : createDualWriteClient({
            gatewayUrl: options.dualWriteGatewayUrl,
            credential,
            scope: GATEWAY_SCOPE,
            ...common,
          })
      : createDualWriteReader({
          credential,
          ...common,
          assertAllowedUrl: (url) => assertAllowed(urls, url),
          refusal: gatewayRefusal,
        });
  return assemble({
    credential,
    common,
    lifecycle,
    powerPlatform: createPowerPlatformClient({
      bapApiUrl: options.bapApiUrl,
      powerPlatformApiUrl: options.powerPlatformApiUrl,
      bapScope: BAP_SCOPE,
      powerPlatformScope: POWER_PLATFORM_SCOPE,
      dynamics365Templates: options.dataverseAppTemplates,
      region: options.region,
      credential,
      ...common,
    }),
    dualWrite,
    capabilities: {
      deployFinanceOps: false,
      dualWriteGateway: useGateway,
      linkDualWrite: false,
      // Creating legal entities through OData is undocumented on real F&O: the admin does it.
      createLegalEntity: false,
    },
    urls,
  });
}

function assemble(parts: {
  credential: TokenCredential;
  common: { logger?: Logger; retry?: Partial<RetryOptions>; timeoutMs?: number };
  lifecycle: Platform['lifecycle'];
  powerPlatform: Platform['powerPlatform'];
  dualWrite: Platform['dualWrite'];
  capabilities: Platform['capabilities'];
  urls: DynamicsUrlPolicy;
}): Platform {
  const dataverseClients = new Map<string, DataversePort>();
  const financeOpsClients = new Map<string, FinanceOpsPort>();
  // No client (so no token scope) is ever made for a URL the policy refuses.
  const allowed = (url: string): void => assertAllowed(parts.urls, url);
  return {
    lifecycle: parts.lifecycle,
    powerPlatform: parts.powerPlatform,
    dualWrite: parts.dualWrite,
    capabilities: parts.capabilities,
    environmentUrlRefusal(url) {
      const check = parts.urls.check(url);
      return check.ok ? undefined : check.reason;
    },
    dataverse(url) {
      allowed(url);
      const key = trimUrl(url).toLowerCase();
      let client = dataverseClients.get(key);
      if (!client) {
        client = createDataverseClient(trimUrl(url), { credential: parts.credential, ...parts.common });
        dataverseClients.set(key, client);
      }
      return client;
    },
    financeOps(url) {
      allowed(url);
      const key = trimUrl(url).toLowerCase();
      let client = financeOpsClients.get(key);
      if (!client) {
        client = createFinanceOpsClient({ url: trimUrl(url), credential: parts.credential, ...parts.common });
        financeOpsClients.set(key, client);
      }
      return client;
    },
  };
}

function assertAllowed(urls: DynamicsUrlPolicy, url: string): void {
  const check = urls.check(url);
  if (!check.ok) throw new PlatformError('invalid', check.reason);
}

/** Live mode without LCS settings: lookups say what is missing instead of failing obscurely. */
function unavailableLifecycle(
  reason = 'LCS is not configured (LCS_API_URL and the LCS project id): check the environment in the LCS portal.',
): Platform['lifecycle'] {
  const refuse = async (): Promise<never> => {
    throw new PlatformError('not_supported', reason);
  };
  return { findFinanceOps: refuse, deployFinanceOps: refuse, getFinanceOps: refuse };
}
