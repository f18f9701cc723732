import { createPlatform } from '../../src/platform/createPlatform';

/**
 * Live mode's platform: what it offers without the dual-write gateway, and that the gateway takes user
 * tokens only and never links (README.md, "Configuration for real Dynamics 365"). No HTTP call is
 * made but the last, to a port nothing listens on.
 */
describe('live mode wiring', () => {
  it('does not offer deployment or the gateway when the flag is off', async () => {
    const live = createPlatform({
      mode: 'live',
      credential: { getToken: async () => ({ token: 'x', expiresOnTimestamp: Date.now() + 60_000 }) },
      powerPlatformApiUrl: 'https://api.powerplatform.com',
      bapApiUrl: 'https://api.bap.microsoft.com',
      dualWriteGatewayEnabled: false,
    });
    expect(live.capabilities).toEqual({
      deployFinanceOps: false,
      dualWriteGateway: false,
      linkDualWrite: false,
      createLegalEntity: false,
    });
    // Reads go to F&O OData (dualWriteReader.test.ts); the gateway's writes refuse.
    await expect(live.dualWrite.runMap('x', 'Currencies', { initialSync: false })).rejects.toMatchObject({
      code: 'not_supported',
    });
    await expect(live.lifecycle.deployFinanceOps({ name: 'x', demoData: false })).rejects.toMatchObject({
      code: 'not_supported',
    });
  });

  it('uses the gateway only with a user credential, and never to link', async () => {
    const requested: string[] = [];
    const options = liveWithGateway(requested);
    const app = createPlatform({ ...options, lcsDelegated: false });
    expect(app.capabilities).toMatchObject({ dualWriteGateway: false, linkDualWrite: false });
    await expect(app.dualWrite.runMap('x', 'Currencies', { initialSync: false })).rejects.toMatchObject({
      code: 'not_supported',
      message: expect.stringMatching(/delegated \(user\) tokens only/),
    });
    const user = createPlatform({ ...options, lcsDelegated: true });
    expect(user.capabilities).toMatchObject({ dualWriteGateway: true, linkDualWrite: false });
    await expect(
      user.dualWrite.createConnection({
        financeOpsUrl: 'https://fo',
        dataverseUrl: 'https://dv',
        legalEntities: ['USMF'],
      }),
    ).rejects.toMatchObject({ code: 'not_supported', message: expect.stringMatching(/no public endpoint/) });
    expect(requested).toEqual([]);
    // A gateway call asks the credential for the IntegratorApp resource (then finds nothing listening).
    await expect(user.dualWrite.listMaps('cid:cname')).rejects.toBeDefined();
    expect(requested).toContain('https://IntegratorApp.com/.default');
  });
  it("under obo: the app's platform asks no token for LCS or the gateway; the admin's asks both", async () => {
    const requested: string[] = [];
    const options = {
      ...liveWithGateway(requested),
      lcsApiUrl: 'http://127.0.0.1:9',
      lcsProjectId: '1',
      retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 5 },
    };
    const app = createPlatform({ ...options, obo: 'app' });
    // The gateway's steps are planned automatic: they run on the admin's platform.
    expect(app.capabilities).toMatchObject({ dualWriteGateway: true, linkDualWrite: false });
    for (const call of [app.lifecycle.findFinanceOps('fo'), app.dualWrite.listMaps('cid:cname')])
      await expect(call).rejects.toMatchObject({ code: 'admin_needed' });
    expect(requested).toEqual([]);
    const admin = createPlatform({ ...options, obo: 'admin' });
    await expect(admin.lifecycle.findFinanceOps('fo')).rejects.toBeDefined();
    await expect(admin.dualWrite.listMaps('cid:cname')).rejects.toBeDefined();
    expect(requested).toEqual([
      'https://lcsapi.lcs.dynamics.com/.default',
      'https://IntegratorApp.com/.default',
    ]);
  });
});

/**
 * Live options with the gateway on and a credential that records the scopes asked of it. Nothing
 * listens at the gateway's address: a refusal must come before any HTTP call.
 */
function liveWithGateway(requested: string[]) {
  return {
    mode: 'live' as const,
    credential: {
      getToken: async (scopes: string | string[]) => {
        requested.push(...[scopes].flat());
        return { token: 'x', expiresOnTimestamp: Date.now() + 60_000 };
      },
    },
    powerPlatformApiUrl: 'https://api.powerplatform.com',
    bapApiUrl: 'https://api.bap.microsoft.com',
    dualWriteGatewayEnabled: true,
    dualWriteGatewayUrl: 'http://127.0.0.1:9',
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
  };
}
