import { catalogFix, errorText, unreadable, verdict, type PairCheck } from './pairCheck';

// The companies dual-write links (Learn dual-write-troubleshooting-initial-setup.md, sync-limits.md:
// https://learn.microsoft.com/dynamics365/fin-ops-core/dev-itpro/data-entities/dual-write/sync-limits):
// cdm_company names must be unique and not blank ("Saving connection set failed! An item with the same
// key has already been added."), a link takes about 250 legal entities ("Exceeds the maximum partitions
// allowed for mapping"), one initial sync 40.

export const LINK_MAX_LEGAL_ENTITIES = 250;
export const INITIAL_SYNC_MAX_LEGAL_ENTITIES = 40;

export const companyNamesCheck: PairCheck = {
  name: 'dataverse.companyNames',
  async run({ platform, dataverseUrl }) {
    const dataverse = platform.dataverse(dataverseUrl!);
    if (!dataverse.listCompanies)
      return [verdict(this.name, 'not-checkable', 'Not checkable: this platform reads no cdm_company rows.')];
    let companies: Array<{ code: string; name: string }>;
    try {
      companies = await dataverse.listCompanies();
    } catch (error) {
      return [unreadable(this.name, 'the cdm_company rows', error)];
    }
    const seen = new Map<string, number>();
    for (const { code } of companies)
      seen.set(code.trim().toUpperCase(), (seen.get(code.trim().toUpperCase()) ?? 0) + 1);
    const duplicates = [...seen].filter(([code, count]) => code && count > 1).map(([code]) => code);
    const blank = companies
      .filter((c) => !c.code.trim() || !c.name.trim())
      .map((c) => c.code.trim() || '(no code)');
    if (!duplicates.length && !blank.length)
      return [
        verdict(
          this.name,
          'ok',
          companies.length
            ? `${companies.length} cdm_company rows, each with its own code and a name.`
            : 'No cdm_company rows yet (the Legal entities map writes them).',
        ),
      ];
    return [
      verdict(
        this.name,
        'blocker',
        [
          duplicates.length ? `Companies more than once in cdm_company: ${duplicates.join(', ')}.` : '',
          blank.length ? `cdm_company rows with a blank code or name: ${blank.join(', ')}.` : '',
        ]
          .filter(Boolean)
          .join(' ') +
          ' Linking fails with "Saving connection set failed! An item with the same key has already been added."',
        catalogFix('same-key-company-names'),
        { code: 'company_names' },
      ),
    ];
  },
};

/** The legal entities to link: the plan's, or every one F&O has when no plan names them (the doctor). */
export const legalEntityLimitsCheck: PairCheck = {
  name: 'financeOps.legalEntityCount',
  async run({ legalEntitiesToLink, initialSyncLegalEntities, financeOpsUrl, reads }) {
    let toLink = legalEntitiesToLink;
    if (!toLink) {
      if (!financeOpsUrl) return [];
      try {
        toLink = await reads.legalEntities();
      } catch (error) {
        return [
          verdict(
            this.name,
            'not-checkable',
            `Could not count the legal entities: ${errorText(error)}.`,
            '',
            { readFailed: true },
          ),
        ];
      }
    }
    const verdicts = [];
    if (toLink.length > LINK_MAX_LEGAL_ENTITIES)
      verdicts.push(
        verdict(
          this.name,
          'blocker',
          `${toLink.length} legal entities to link; a dual-write link takes about ${LINK_MAX_LEGAL_ENTITIES}: above it maps fail with "Exceeds the maximum partitions allowed for mapping".`,
          catalogFix('partitions-exceeded'),
          { code: 'too_many_legal_entities_linked' },
        ),
      );
    const syncCount = initialSyncLegalEntities?.length ?? 0;
    if (syncCount > INITIAL_SYNC_MAX_LEGAL_ENTITIES)
      verdicts.push(
        verdict(
          this.name,
          'blocker',
          `The initial sync covers ${syncCount} legal entities; dual-write takes at most ${INITIAL_SYNC_MAX_LEGAL_ENTITIES} in one initial sync.`,
          catalogFix('initial-sync-legal-entities'),
          { code: 'too_many_legal_entities' },
        ),
      );
    if (verdicts.length) return verdicts;
    const note =
      !initialSyncLegalEntities && toLink.length > INITIAL_SYNC_MAX_LEGAL_ENTITIES
        ? ` An initial sync takes at most ${INITIAL_SYNC_MAX_LEGAL_ENTITIES} of them at a time.`
        : '';
    return [
      verdict(
        this.name,
        'ok',
        `${toLink.length} legal entities (a link takes up to ${LINK_MAX_LEGAL_ENTITIES}, an initial sync ${INITIAL_SYNC_MAX_LEGAL_ENTITIES}).${note}`,
      ),
    ];
  },
};
