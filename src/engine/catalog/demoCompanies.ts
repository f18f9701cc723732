/** Legal entities that come with the F&O demo data (Contoso), offered for demo-data scenarios. */
export const DEMO_COMPANIES: ReadonlyArray<{ code: string; name: string }> = [
  { code: 'USMF', name: 'Contoso Entertainment System USA' },
  { code: 'DEMF', name: 'Contoso Entertainment System Germany' },
  { code: 'USRT', name: 'Contoso Retail USA' },
  { code: 'GBSI', name: 'Contoso Consumer Goods UK' },
];

/** The one company of a new F&O instance without demo data. */
export const NEW_INSTANCE_COMPANY = 'DAT';
