// Which Dynamics 365 URLs the platform clients may call, and so which origins a token may be asked
// for and sent to. A URL typed in a card decides both the host the bot calls and the token's scope
// (`<origin>/.default`); without this check a typed `http://attacker.example` would receive a
// Dataverse token. Sources of the default host suffixes: docs/reliability.md ("Dynamics URLs").

/**
 * Host suffixes of Microsoft's Dynamics 365 clouds (a host must end with one, after at least one
 * label of its own). Dataverse: `crm[N].dynamics.com` per region, GCC High `crm.microsoftdynamics.us`,
 * DoD `crm.appsplatform.us`, China `crm.dynamics.cn`. F&O: `operations.dynamics.com` (sandboxes are
 * `*.sandbox.operations.dynamics.com`) and the sovereign F&O hosts (inferred: see
 * docs/reliability.md). Cloud-hosted development VMs (`cloudax.dynamics.com`) run in a customer's own
 * Azure subscription, not Microsoft's cloud: only with ALLOW_CLOUD_HOSTED_ENVIRONMENTS.
 */
export const DEFAULT_DYNAMICS_HOST_SUFFIXES: readonly string[] = [
  'crm.dynamics.com',
  ...Array.from({ length: 20 }, (_, i) => `crm${i + 2}.dynamics.com`),
  'crm.microsoftdynamics.us',
  'crm.appsplatform.us',
  'crm.dynamics.cn',
  'operations.dynamics.com',
  'operations.microsoftdynamics.us',
  'operations.dynamics.cn',
];

/** The host suffix of cloud-hosted development environments (opt-in). */
export const CLOUD_HOSTED_SUFFIX = 'cloudax.dynamics.com';

export type UrlCheck = { ok: true; origin: string } | { ok: false; reason: string };

export interface DynamicsUrlPolicy {
  /** Whether the platform may call this environment URL (and ask for a token for its origin). */
  check(url: string): UrlCheck;
}

export interface DynamicsUrlPolicyOptions {
  /** live: https on an allowed host suffix; emulator: the emulator's own loopback origin only. */
  mode: 'live' | 'emulator';
  hostSuffixes?: readonly string[];
  /** The emulator's origin (emulator mode). */
  emulatorOrigin?: string;
  /**
   * Exact origins trusted besides the suffixes. Not configurable from the environment: only tests
   * that run live mode against a loopback emulator pass it.
   */
  trustedOrigins?: readonly string[];
}

export function createDynamicsUrlPolicy(options: DynamicsUrlPolicyOptions): DynamicsUrlPolicy {
  const suffixes = (options.hostSuffixes ?? DEFAULT_DYNAMICS_HOST_SUFFIXES).map((s) =>
    s.trim().toLowerCase().replace(/^\.+/, ''),
  );
  const trusted = new Set((options.trustedOrigins ?? []).map((o) => new URL(o).origin));
  const emulatorOrigin = options.emulatorOrigin ? new URL(options.emulatorOrigin).origin : undefined;

  return {
    check(url) {
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        return { ok: false, reason: 'That is not a URL.' };
      }
      if (parsed.username || parsed.password) {
        return { ok: false, reason: 'A Dynamics 365 URL carries no user name or password.' };
      }
      const origin = parsed.origin;
      if (trusted.has(origin)) return { ok: true, origin };
      if (options.mode === 'emulator') {
        if (emulatorOrigin && origin === emulatorOrigin) return { ok: true, origin };
        return {
          ok: false,
          reason: `The bot runs against the Dynamics 365 emulator: use its URLs (${emulatorOrigin ?? 'loopback'}/...).`,
        };
      }
      if (parsed.protocol !== 'https:') {
        return { ok: false, reason: 'The URL must start with https://.' };
      }
      if (parsed.port && parsed.port !== '443') {
        return { ok: false, reason: 'A Dynamics 365 URL has no port.' };
      }
      const host = parsed.hostname.toLowerCase();
      if (!suffixes.some((suffix) => host.endsWith(`.${suffix}`))) {
        return {
          ok: false,
          reason: `${host} is not a Dynamics 365 host (such as contoso.crm.dynamics.com or contoso.operations.dynamics.com).`,
        };
      }
      return { ok: true, origin };
    },
  };
}
