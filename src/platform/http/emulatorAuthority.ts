/**
 * The options that point an @azure/identity credential at the emulator's Entra (src/emulator/entra):
 * MSAL takes https authorities only, so the credential names `https://<emulator host>` and a pipeline
 * policy (`additionalPolicies`, typed here by structure) sends those requests to the loopback http
 * origin; every other URL is left alone. No instance discovery: the emulator is not a Microsoft cloud.
 */
export function emulatorAuthorityOptions(emulatorOrigin: string) {
  const origin = new URL(emulatorOrigin);
  const https = `https://${origin.host}`;
  const policy = {
    name: 'emulatorLoopback',
    sendRequest<R extends { url: string; allowInsecureConnection?: boolean }, T>(
      request: R,
      next: (request: R) => Promise<T>,
    ): Promise<T> {
      if (request.url.startsWith(https)) {
        request.url = `http://${origin.host}${request.url.slice(https.length)}`;
        request.allowInsecureConnection = true;
      }
      return next(request);
    },
  };
  return {
    authorityHost: https,
    disableInstanceDiscovery: true,
    additionalPolicies: [{ policy, position: 'perCall' as const }],
  };
}
