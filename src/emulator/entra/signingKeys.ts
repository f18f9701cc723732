import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';

/**
 * A token-signing key of an emulated issuer: an RSA key pair made when the emulator starts (never
 * stored: a restarted emulator publishes a new key, as a rotated real one would), published as a JSON
 * Web Key and used to sign RS256 JWTs. Entra publishes its keys at the metadata's `jwks_uri` (Learn
 * https://learn.microsoft.com/entra/identity-platform/access-tokens, "Validate tokens"); the Bot
 * Connector publishes its own, each with `endorsements` (the channel ids it may sign for; Learn
 * https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-authentication,
 * "Step 3: Get the list of valid signing keys"). The key size (2048 bits) and the `kid` format are
 * [inferred].
 *
 * `jsonwebtoken` is the library botframework-connector validates these tokens with (its own
 * dependency, present through botbuilder).
 */
export interface PublishedKey {
  kty: 'RSA';
  use: 'sig';
  kid: string;
  n: string;
  e: string;
  endorsements?: string[];
}

export class SigningKey {
  readonly kid = `emulator-${randomUUID()}`;
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;

  constructor(private readonly endorsements?: string[]) {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = pair.privateKey;
    this.publicKey = pair.publicKey;
  }

  /** An RS256 JWT of these claims (`iat`, `nbf`, `exp` are the caller's), its header naming the key. */
  sign(claims: Record<string, unknown>): string {
    return jwt.sign(claims, this.privateKey, { algorithm: 'RS256', keyid: this.kid, noTimestamp: true });
  }

  /** Whether `token` is an unexpired RS256 JWT of this key for `audience`. */
  verifies(token: string, audience: string): boolean {
    try {
      jwt.verify(token, this.publicKey, { algorithms: ['RS256'], audience });
      return true;
    } catch {
      return false;
    }
  }

  /** The key as its issuer's JWKS lists it. */
  published(): PublishedKey {
    const { n, e } = this.publicKey.export({ format: 'jwk' }) as { n: string; e: string };
    return {
      kty: 'RSA',
      use: 'sig',
      kid: this.kid,
      n,
      e,
      ...(this.endorsements ? { endorsements: [...this.endorsements] } : {}),
    };
  }
}

/** The emulator's two issuers: Microsoft Entra (app tokens) and the Bot Connector (channel tokens). */
export interface EmulatorSigningKeys {
  entra: SigningKey;
  botConnector: SigningKey;
}

/**
 * The channels the emulated Bot Connector's key endorses: Teams, the one channel this bot serves
 * ([inferred]: the real keys list many channel ids).
 */
const ENDORSED_CHANNELS = ['msteams'];

export function createSigningKeys(): EmulatorSigningKeys {
  return { entra: new SigningKey(), botConnector: new SigningKey(ENDORSED_CHANNELS) };
}
