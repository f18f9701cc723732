import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunningEmulator } from '../../src/emulator';
import {
  UnknownMapError,
  orderMaps,
  resolveMapNames,
  withPrerequisites,
} from '../../src/engine/catalog/mapOrdering';
import { createPlatform } from '../../src/platform/createPlatform';
import { EmulatorCredential } from '../../src/platform/http/credentials';
import { createPowerPlatformClient } from '../../src/platform/powerPlatform/powerPlatformClient';
import { startTestEmulator } from '../emulator/emulatorTestKit';

// Names and shapes from Microsoft's record, one test each where no other test holds them.

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator({
    seed: {
      existingFinanceOps: { name: 'contoso-fo', companies: ['USMF', 'DEMF'], platformVersion: '10.0.38' },
    },
  });
});
afterAll(async () => {
  await emulator?.close();
});

describe('F&O global collections have no dataAreaId', () => {
  it('counts global sets without a company filter and Ledgers by LegalEntityId', async () => {
    const platform = createPlatform({ mode: 'emulator', emulatorUrl: emulator.url });
    const fo = platform.financeOps((await platform.lifecycle.findFinanceOps('contoso-fo'))!.url);
    expect(await fo.countRows('Currencies', 'USMF', null)).toBeGreaterThan(0);
    expect(await fo.countRows('Ledgers', 'USMF', 'LegalEntityId')).toBe(1);
    expect(await fo.countRows('Ledgers', 'DEMF', 'LegalEntityId')).toBe(1);
    expect(await fo.countRows('PaymentTerms', 'USMF')).toBe(3);
    // Filtering a global set on dataAreaId is refused, as F&O refuses an unknown property.
    await expect(fo.countRows('Currencies', 'USMF', 'dataAreaId')).rejects.toBeDefined();
  });
});

describe('documented prerequisites', () => {
  it('runs Terms of payment after Payment days CDS and Payment schedule, and contacts after customers and vendors', () => {
    const customer = 'contacts - CDS Contacts V2 (Customer)';
    const vendor = 'contacts - CDS Contacts V2 (Vendor)';
    const { order } = orderMaps(withPrerequisites([customer, vendor]));
    const at = (key: string) => order.indexOf(key);
    expect(at('msdyn_paymentdays - Payment days CDS')).toBeLessThan(
      at('msdyn_paymentterms - Terms of payment'),
    );
    expect(at('msdyn_paymentschedules - Payment schedule')).toBeLessThan(
      at('msdyn_paymentterms - Terms of payment'),
    );
    expect(at('accounts - Customers V3')).toBeLessThan(at(customer));
    expect(at('msdyn_vendors - Vendors V2')).toBeLessThan(at(vendor));
  });

  it('knows the contact maps as separated-solutions.md lists them: there is no "CDS Contacts V2"', () => {
    expect(() => resolveMapNames(['CDS Contacts V2'])).toThrow(UnknownMapError);
    expect(resolveMapNames(['CDS Contacts V2 (Customer)', 'CDS Contacts V2 (Vendor)'])).toEqual([
      'contacts - CDS Contacts V2 (Customer)',
      'contacts - CDS Contacts V2 (Vendor)',
    ]);
  });
});

describe('the Dataverse environment template is configurable', () => {
  let server: Server;
  let base: string;
  const bodies: unknown[] = [];
  beforeAll(async () => {
    const app = express();
    app.use(express.json());
    app.post('/providers/Microsoft.BusinessAppPlatform/environments', (req, res) => {
      bodies.push(req.body);
      res
        .status(202)
        .set('Location', `${base}/providers/Microsoft.BusinessAppPlatform/lifecycleOperations/op1`)
        .end();
    });
    app.get('/providers/Microsoft.BusinessAppPlatform/lifecycleOperations/op1', (_req, res) =>
      res.json({
        id: 'op1',
        // The environment's path counts once the operation has Succeeded (TF reads it only then).
        state: { id: 'Succeeded' },
        links: { environment: { path: '/providers/Microsoft.BusinessAppPlatform/environments/env1' } },
      }),
    );
    app.get('/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments/env1', (_req, res) =>
      res.json({ name: 'env1', properties: { displayName: 'dv1', provisioningState: 'Creating' } }),
    );
    server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends the configured templates and follows the Location of the lifecycle operation', async () => {
    const client = createPowerPlatformClient({
      bapApiUrl: base,
      powerPlatformApiUrl: base,
      credential: new EmulatorCredential(),
      dynamics365Templates: ['D365_CustomerService'],
      retry: { maxAttempts: 1 },
    });
    const env = await client.createDataverse({ name: 'dv1', crmPrime: true });
    expect(env).toMatchObject({ id: 'env1', state: 'provisioning' });
    expect(bodies[0]).toMatchObject({
      location: 'unitedstates',
      properties: { linkedEnvironmentMetadata: { templates: ['D365_CustomerService'] } },
    });
  });
});
