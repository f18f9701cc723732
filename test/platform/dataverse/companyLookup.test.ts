import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDataverseClient } from '../../../src/platform/dataverse/dataverseClient';
import { EmulatorCredential } from '../../../src/platform/http/credentials';

// The company lookup's name differs by table (msdyn_company on accounts, msdyn_companyid on products):
// the client reads it from the table's metadata. A real Dataverse cannot run here, so a small
// server answers the two metadata queries and the count query the way the Web API does.

describe('company lookup read from the table metadata', () => {
  let server: Server;
  let url: string;
  const seen: string[] = [];

  beforeAll(async () => {
    const app = express();
    app.get('/api/data/v9.2/EntityDefinitions', (req, res) => {
      const set = /EntitySetName eq '([^']+)'/.exec(String(req.query.$filter))?.[1];
      const logical = set === 'products' ? 'product' : set === 'accounts' ? 'account' : undefined;
      res.json({
        value: logical ? [{ LogicalName: logical, PrimaryIdAttribute: `${logical}id`, MetadataId: 'x' }] : [],
      });
    });
    app.get(
      /^\/api\/data\/v9\.2\/EntityDefinitions\(LogicalName='(\w+)'\)\/ManyToOneRelationships$/,
      (req, res) => {
        expect(req.query.$filter).toBe("ReferencedEntity eq 'cdm_company'");
        const table = (req.params as Record<string, string>)[0];
        res.json({
          value:
            table === 'product'
              ? [
                  {
                    ReferencingAttribute: 'msdyn_companyid',
                    ReferencingEntityNavigationPropertyName: 'msdyn_CompanyId',
                  },
                ]
              : [
                  {
                    ReferencingAttribute: 'msdyn_company',
                    ReferencingEntityNavigationPropertyName: 'msdyn_company',
                  },
                ],
        });
      },
    );
    app.get(/^\/api\/data\/v9\.2\/(products|accounts)$/, (req, res) => {
      seen.push(String(req.query.$filter));
      res.json({ value: [{ productid: 'a' }, { productid: 'b' }] });
    });
    server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('filters each table on its own lookup column', async () => {
    const dataverse = createDataverseClient(url, {
      credential: new EmulatorCredential(),
      retry: { maxAttempts: 1 },
    });
    expect(await dataverse.countRowsWithoutCompany('products')).toBe(2);
    await dataverse.countRowsWithoutCompany('accounts');
    expect(seen).toEqual(['_msdyn_companyid_value eq null', '_msdyn_company_value eq null']);
  });

  it('refuses a table without a company lookup, with the reason', async () => {
    const dataverse = createDataverseClient(url, {
      credential: new EmulatorCredential(),
      retry: { maxAttempts: 1 },
    });
    await expect(dataverse.countRowsWithoutCompany('msdyn_nothing')).rejects.toThrow(/no table/);
  });
});
