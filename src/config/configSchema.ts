import { z } from 'zod';
import { accessSettings } from './accessSettings';
import { botSettings } from './botSettings';
import { dynamicsSettings } from './dynamicsSettings';
import { storeSettings } from './storeSettings';

// The one schema for every environment variable, one settings file per concept; `.env.sample`
// documents each variable line by line in the same order (keep the two in step). The order is also
// the order errors are found in: loadConfig (src/config.ts) names the first bad variable.

export const configSchema = z.object({
  ...botSettings,
  ...storeSettings,
  ...accessSettings,
  ...dynamicsSettings,
});

export type ParsedConfig = z.infer<typeof configSchema>;
