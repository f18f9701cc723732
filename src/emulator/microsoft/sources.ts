// Where the emulator's knowledge of Microsoft comes from. Every fact under src/emulator/microsoft
// names one of these; docs/fidelity.md lists them with what each page says.

/** MicrosoftDocs/dynamics-365-unified-operations-public, articles/fin-ops-core/dev-itpro/data-entities/dual-write/ */
export const UO_DUAL_WRITE =
  'dynamics-365-unified-operations-public: fin-ops-core/dev-itpro/data-entities/dual-write/';
export const SEPARATED_SOLUTIONS = `${UO_DUAL_WRITE}separated-solutions.md`;
export const REQUIREMENTS = `${UO_DUAL_WRITE}requirements-and-prerequisites.md`;
/** MicrosoftDocs/power-platform */
export const APP_MIGRATION = 'power-platform: admin/app-migration-dual-write.md';
export const UNIFIED_TEMPLATES =
  'power-platform: admin/unified-experience/unified-environment-types-and-templates.md';
export const INSTALL_APPLICATION =
  'power-platform: admin/programmability-tutorial-install-application-environment.md';
export const LCS_ENVIRONMENT_METADATA =
  'dynamics-365-unified-operations-public: fin-ops-core/dev-itpro/lifecycle-services/api/reference-environment-metadata.md';
/** microsoft/Dual-write-automations: Microsoft's own, unsupported tool; the only public description of the gateway. */
export const DUAL_WRITE_AUTOMATIONS = 'microsoft/Dual-write-automations (DWLibary)';
/** The one-to-one Power Platform integration and `RetrieveFinanceAndOperationsIntegrationDetails`. */
export const POWER_PLATFORM_INTEGRATION =
  'dynamics-365-unified-operations-public: fin-ops-core/dev-itpro/power-platform/enable-power-platform-integration.md';
export const RESET = `${UO_DUAL_WRITE}reset.md`;
export const EDIT_LEGAL_ENTITY = `${UO_DUAL_WRITE}edit-legal-entity.md`;
export const DUAL_WRITE_FAQ = `${UO_DUAL_WRITE}dual-write-faq.md`;
export const SYNC_LIMITS = `${UO_DUAL_WRITE}sync-limits.md`;
/** The troubleshooting pages of the dual-write folder, for the documented failures. */
export const TROUBLESHOOT_INITIAL_SETUP = `${UO_DUAL_WRITE}dual-write-troubleshooting-initial-setup.md`;
export const TROUBLESHOOT_MODULE = `${UO_DUAL_WRITE}dual-write-troubleshooting-dual-write-module.md`;
export const TROUBLESHOOT_LIVE_SYNC = `${UO_DUAL_WRITE}dual-write-troubleshooting-live-sync.md`;
export const TROUBLESHOOT_INITIAL_SYNC = `${UO_DUAL_WRITE}dual-write-troubleshooting-initial-sync.md`;
export const DUAL_WRITE_ERROR_CODES = `${UO_DUAL_WRITE}dual-write-error-codes.md`;
export const LCS_SETUP = `${UO_DUAL_WRITE}lcs-setup.md`;
