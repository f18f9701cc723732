import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PasswordServiceClientCredentialFactory } from 'botframework-connector';

/**
 * A local stand-in for the Bot Framework's token signing keys, so botbuilder's own JWT validation
 * runs for real offline: an OpenID metadata document and its JWKS on loopback (the shapes of
 * https://login.botframework.com/v1/.well-known/openidconfiguration), and a signer for tokens with
 * any claims. The bot trusts it only through startBot's test-only `botAuthentication` option.
 */
export class LocalBotFrameworkKeys {
  private readonly keys = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  private readonly kid = `test-${crypto.randomUUID()}`;
  private server?: http.Server;
  /** The metadata URL to configure as ToBotFromChannelOpenIdMetadataUrl (and the emulator's). */
  metadataUrl = '';

  async start(): Promise<this> {
    const jwk = this.keys.publicKey.export({ format: 'jwk' }) as { n: string; e: string };
    this.server = http.createServer((req, res) => {
      const base = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
      res.setHeader('Content-Type', 'application/json');
      if (req.url === '/v1/.well-known/openidconfiguration') {
        res.end(JSON.stringify({ issuer: 'https://api.botframework.com', jwks_uri: `${base}/v1/keys` }));
      } else if (req.url === '/v1/keys') {
        res.end(JSON.stringify({ keys: [{ kty: 'RSA', use: 'sig', kid: this.kid, n: jwk.n, e: jwk.e }] }));
      } else {
        res.statusCode = 404;
        res.end('{}');
      }
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.metadataUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1/.well-known/openidconfiguration`;
    return this;
  }

  /** An RS256 JWT with these claims, signed by the key the metadata publishes. */
  sign(claims: Record<string, unknown>): string {
    const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const data = `${b64({ alg: 'RS256', typ: 'JWT', kid: this.kid })}.${b64(claims)}`;
    return `${data}.${crypto.sign('RSA-SHA256', Buffer.from(data), this.keys.privateKey).toString('base64url')}`;
  }

  /** A token as the Bot Framework channel service issues it to the bot for one serviceUrl. */
  channelToken(botId: string, serviceUrl: string, extra: Record<string, unknown> = {}): string {
    const now = Math.floor(Date.now() / 1000);
    return this.sign({
      iss: 'https://api.botframework.com',
      aud: botId,
      serviceurl: serviceUrl,
      nbf: now - 60,
      exp: now + 3600,
      ...extra,
    });
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/**
 * The bot's outbound credentials, offline. A mock because Entra ID cannot run here: the bot's replies
 * to the local connector carry a fixed bearer instead of an Entra token. Inbound validation (what the
 * tests are about) is botbuilder's real code against LocalBotFrameworkKeys.
 */
export class OfflineBotCredentials extends PasswordServiceClientCredentialFactory {
  constructor(botId: string) {
    super(botId, 'offline-password');
  }

  override async createCredentials(): Promise<never> {
    return {
      signRequest: async (request: { headers: { set(name: string, value: string): void } }) => {
        request.headers.set('Authorization', 'Bearer offline-outbound-token');
        return request;
      },
    } as never;
  }
}
