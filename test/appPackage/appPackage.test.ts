import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import AdmZip from 'adm-zip';
import {
  APP_PACKAGE_DIR,
  buildAppPackage,
  pngSize,
  readManifest,
  validateManifest,
} from '../../scripts/appPackage';

const values = {
  TEAMS_APP_ID: '7f1c2a4e-3b5d-4c6e-8f90-a1b2c3d4e5f6',
  BOT_ID: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
  BOT_NAME: 'Dual-write Setup',
};

describe('Teams app package', () => {
  it('fills every placeholder and validates offline against the shipped schema', async () => {
    const manifest = readManifest(values);
    expect(JSON.stringify(manifest)).not.toContain('${{');
    expect(manifest.id).toBe(values.TEAMS_APP_ID);
    expect((manifest.bots as Array<{ botId: string }>)[0].botId).toBe(values.BOT_ID);
    expect(Number(String(manifest.manifestVersion))).toBeGreaterThanOrEqual(1.17);
    expect(await validateManifest(manifest)).toEqual([]);
  });

  it("enables Teams SSO for the bot's app registration (bot-sso-manifest)", () => {
    // Learn https://learn.microsoft.com/microsoftteams/platform/bots/how-to/authentication/bot-sso-manifest:
    // the bot's app id, and its application ID URI api://botid-{appId} that exposes access_as_user.
    const manifest = readManifest(values);
    expect(manifest.webApplicationInfo).toEqual({
      id: values.BOT_ID,
      resource: `api://botid-${values.BOT_ID}`,
    });
    // The sign-in card's fallback redirects through the Bot Framework token service.
    expect(manifest.validDomains).toContain('token.botframework.com');
  });

  it('reports schema errors (the validation can fail)', async () => {
    const manifest = readManifest(values);
    delete (manifest as Record<string, unknown>).developer;
    (manifest as Record<string, unknown>).id = 'not-a-guid';
    const errors = await validateManifest(manifest);
    expect(errors.length).toBeGreaterThan(0);
  });

  it('refuses a manifest with a placeholder it has no value for', () => {
    expect(() => readManifest({ BOT_ID: values.BOT_ID, BOT_NAME: 'x' })).toThrow(/TEAMS_APP_ID/);
  });

  it('has a 192x192 colour icon and a 32x32 outline icon', () => {
    expect(pngSize(path.join(APP_PACKAGE_DIR, 'color.png'))).toEqual({ width: 192, height: 192 });
    expect(pngSize(path.join(APP_PACKAGE_DIR, 'outline.png'))).toEqual({ width: 32, height: 32 });
  });

  it('writes a flat zip whose manifest passes validation', async () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pkg-')), 'app.zip');
    await buildAppPackage(values, out);
    const zip = new AdmZip(out);
    expect(
      zip
        .getEntries()
        .map((e) => e.entryName)
        .sort(),
    ).toEqual(['color.png', 'manifest.json', 'outline.png']);
    const manifest = JSON.parse(zip.readAsText('manifest.json'));
    expect(await validateManifest(manifest)).toEqual([]);
  });
});
