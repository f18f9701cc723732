import fs from 'node:fs';
import path from 'node:path';
import AdmZip from 'adm-zip';
import { AppManifestUtils } from '@microsoft/app-manifest';

/**
 * Builds the Teams app package: `appPackage/manifest.json` with its `${{NAME}}` placeholders filled,
 * and the two icons, zipped flat. Validation runs offline against the schema that
 * @microsoft/app-manifest ships (it never fetches one).
 */
export const APP_PACKAGE_DIR = path.join(__dirname, '..', 'appPackage');

export function fillPlaceholders(template: string, values: Record<string, string>): string {
  return template.replace(/\$\{\{([A-Z0-9_]+)\}\}/g, (whole, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`No value for placeholder ${whole} in the manifest`);
    return value;
  });
}

export function readManifest(values: Record<string, string>): Record<string, unknown> {
  const template = fs.readFileSync(path.join(APP_PACKAGE_DIR, 'manifest.json'), 'utf8');
  return JSON.parse(fillPlaceholders(template, values)) as Record<string, unknown>;
}

/** The schema the manifest names, loaded from the package's own copy. */
export function localSchema(manifest: Record<string, unknown>): Record<string, unknown> {
  const match = String(manifest.$schema).match(
    /json-schemas\/teams\/(v[\d.]+|vDevPreview)\/MicrosoftTeams\.schema\.json$/,
  );
  if (!match) throw new Error(`Unexpected manifest $schema ${String(manifest.$schema)}`);
  const file = path.join(
    path.dirname(require.resolve('@microsoft/app-manifest/package.json')),
    'build',
    'json-schemas',
    'teams',
    match[1],
    'MicrosoftTeams.schema.json',
  );
  return JSON.parse(fs.readFileSync(file, 'utf8').replace(/\\a/g, '\\u0007').replace(/\\v/g, '\\u000b'));
}

export async function validateManifest(manifest: Record<string, unknown>): Promise<string[]> {
  return AppManifestUtils.validateAgainstSchema(manifest as never, localSchema(manifest) as never);
}

/** Width and height of a PNG, read from its IHDR chunk. */
export function pngSize(file: string): { width: number; height: number } {
  const bytes = fs.readFileSync(file);
  if (bytes.toString('ascii', 12, 16) !== 'IHDR') throw new Error(`${file} is not a PNG`);
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

export async function buildAppPackage(
  values: Record<string, string>,
  outFile: string,
): Promise<Record<string, unknown>> {
  const manifest = readManifest(values);
  const errors = await validateManifest(manifest);
  if (errors.length > 0) throw new Error(`The manifest is not valid:\n${errors.join('\n')}`);
  const zip = new AdmZip();
  zip.addFile('manifest.json', Buffer.from(JSON.stringify(manifest, null, 2)));
  for (const icon of ['color.png', 'outline.png']) zip.addLocalFile(path.join(APP_PACKAGE_DIR, icon));
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  zip.writeZip(outFile);
  return manifest;
}
