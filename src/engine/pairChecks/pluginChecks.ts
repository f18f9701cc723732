import { DUAL_WRITE_CORE_SOLUTION, DUAL_WRITE_PLUGIN_ASSEMBLIES } from '../catalog/solutions';
import { catalogFix, unreadable, verdict, type PairCheck } from './pairCheck';

// The core solution's plug-ins: registered (pluginassemblies) and enabled (their processing steps'
// statecode). The health check of "New link to environment" fails with them disabled (Learn
// https://learn.microsoft.com/dynamics365/fin-ops-core/dev-itpro/data-entities/dual-write/dual-write-troubleshooting-initial-setup).

export const pluginsCheck: PairCheck = {
  name: 'dataverse.pluginAssemblies',
  async run({ platform, dataverseUrl, reads }) {
    if (!(await reads.solutions()).has(DUAL_WRITE_CORE_SOLUTION.toLowerCase()))
      return [
        verdict(
          this.name,
          'setup-will-do',
          'The dual-write plug-ins come with the core solution, not installed yet.',
          'The setup installs the core solution, which registers them.',
          { doneBy: 'installDualWriteSolutions' },
        ),
      ];
    const dataverse = platform.dataverse(dataverseUrl!);
    if (!dataverse.listPluginAssemblies || !dataverse.listPluginSteps)
      return [verdict(this.name, 'not-checkable', 'Not checkable: this platform reads no plug-ins.')];
    try {
      const assemblies = new Set((await dataverse.listPluginAssemblies()).map((name) => name.toLowerCase()));
      const missing = DUAL_WRITE_PLUGIN_ASSEMBLIES.filter((name) => !assemblies.has(name.toLowerCase()));
      if (missing.length)
        return [
          verdict(
            this.name,
            'blocker',
            `Plug-in assemblies missing: ${missing.join(', ')}.`,
            catalogFix('health-check-plugins'),
            { code: 'plugins_missing' },
          ),
        ];
      const steps = await dataverse.listPluginSteps(DUAL_WRITE_PLUGIN_ASSEMBLIES);
      const disabled = steps.filter((step) => !step.enabled).map((step) => step.name);
      if (disabled.length)
        return [
          verdict(
            this.name,
            'blocker',
            `Disabled plug-in steps of the dual-write core: ${disabled.join('; ')}.`,
            catalogFix('health-check-plugins'),
            { code: 'plugins_disabled' },
          ),
        ];
      return [
        verdict(
          this.name,
          'ok',
          `${DUAL_WRITE_PLUGIN_ASSEMBLIES.join(' and ')} are registered, ${steps.length} steps enabled.`,
        ),
      ];
    } catch (error) {
      return [unreadable(this.name, 'the plug-ins', error)];
    }
  },
};
