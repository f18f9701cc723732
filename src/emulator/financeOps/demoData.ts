/**
 * Demo data for F&O environments deployed "with demo data" (Contoso companies such as USMF and DEMF)
 * and the reference data every company gets, so maps can run even in an empty instance (company DAT).
 * Deterministic: the same seed always yields the same rows.
 */
export interface DemoCompany {
  id: string;
  name: string;
  currency: string;
}

export const DEMO_COMPANIES: readonly DemoCompany[] = [
  { id: 'USMF', name: 'Contoso Entertainment System USA', currency: 'USD' },
  { id: 'DEMF', name: 'Contoso Entertainment System Germany', currency: 'EUR' },
  { id: 'USRT', name: 'Contoso Retail USA', currency: 'USD' },
  { id: 'GBSI', name: 'Contoso Consulting UK', currency: 'GBP' },
  { id: 'USSI', name: 'Contoso Consulting USA', currency: 'USD' },
  { id: 'FRRT', name: 'Contoso Retail France', currency: 'EUR' },
];

/** The one company of a new F&O instance without demo data. */
export const EMPTY_INSTANCE_COMPANY: DemoCompany = {
  id: 'DAT',
  name: 'Company accounts data',
  currency: 'USD',
};

export type FoRow = Record<string, unknown>;

/** Rows per entity set, for one environment. Company-specific rows carry `dataAreaId` in lower case. */
export type FoDataSet = Record<string, FoRow[]>;

export function globalReferenceData(): FoDataSet {
  return {
    Currencies: [
      { CurrencyCode: 'USD', Name: 'US Dollar', Symbol: '$' },
      { CurrencyCode: 'EUR', Name: 'Euro', Symbol: '€' },
      { CurrencyCode: 'GBP', Name: 'Pound Sterling', Symbol: '£' },
      { CurrencyCode: 'CAD', Name: 'Canadian Dollar', Symbol: '$' },
    ],
    ExchangeRateTypes: [{ Name: 'Default', Description: 'Default exchange rate type' }],
    UnitsOfMeasure: [
      { UnitSymbol: 'ea', Description: 'Each' },
      { UnitSymbol: 'pcs', Description: 'Pieces' },
    ],
  };
}

/** Reference data of one company: what the reference maps (terms of payment, groups...) sync. */
export function companyReferenceData(company: DemoCompany): FoDataSet {
  const dataAreaId = company.id.toLowerCase();
  const rows = <T extends FoRow>(items: T[]) => items.map((item) => ({ dataAreaId, ...item }));
  return {
    LegalEntities: [{ LegalEntityId: company.id, Name: company.name, CurrencyCode: company.currency }],
    PaymentTerms: rows([
      { Name: 'Net10', Description: 'Net 10 days' },
      { Name: 'Net30', Description: 'Net 30 days' },
      { Name: 'Net45', Description: 'Net 45 days' },
    ]),
    PaymentDaysCds: rows([{ Name: 'Fri', Description: 'Fridays' }]),
    PaymentSchedules: rows([{ Name: '3M', Description: 'Three monthly instalments' }]),
    CustomerPaymentMethods: rows([{ Name: 'CHECK', Description: 'Check' }]),
    VendorPaymentMethods: rows([{ Name: 'CHECK', Description: 'Check' }]),
    CustomerGroups: rows([
      { CustomerGroupId: '10', Description: 'Wholesale customers', PaymentTermId: 'Net30' },
      { CustomerGroupId: '20', Description: 'Retail customers', PaymentTermId: 'Net10' },
      { CustomerGroupId: '30', Description: 'Intercompany customers', PaymentTermId: 'Net30' },
    ]),
    VendorGroups: rows([{ VendorGroupId: '10', Description: 'Parts vendors', PaymentTermId: 'Net30' }]),
    TaxGroups: rows([{ TaxGroupCode: 'AR', Description: 'Accounts receivable' }]),
    TaxCodes: rows([{ TaxCode: 'STD', Name: 'Standard rate' }]),
    OperationalSites: rows([{ SiteId: '1', SiteName: 'Main site' }]),
    Warehouses: rows([{ WarehouseId: '11', WarehouseName: 'Main warehouse', SiteId: '1' }]),
    // No dataAreaId: LegalEntityId names the company.
    Ledgers: [
      { LegalEntityId: company.id, Name: `${company.id} ledger`, AccountingCurrency: company.currency },
    ],
  };
}

/** Customers and vendors of a demo company. */
export function companyDemoData(
  company: DemoCompany,
  counts: { customers: number; vendors: number },
): FoDataSet {
  const dataAreaId = company.id.toLowerCase();
  const pad = (n: number) => String(n).padStart(6, '0');
  return {
    CustomersV3: Array.from({ length: counts.customers }, (_, i) => ({
      dataAreaId,
      CustomerAccount: `${company.id}-C${pad(i + 1)}`,
      OrganizationName: `${company.name} customer ${i + 1}`,
      CustomerGroupId: i % 2 === 0 ? '10' : '20',
      SalesCurrencyCode: company.currency,
      PaymentTerms: 'Net30',
    })),
    VendorsV2: Array.from({ length: counts.vendors }, (_, i) => ({
      dataAreaId,
      VendorAccountNumber: `${company.id}-V${pad(i + 1)}`,
      VendorOrganizationName: `${company.name} vendor ${i + 1}`,
      VendorGroupId: '10',
      CurrencyCode: company.currency,
    })),
  };
}
