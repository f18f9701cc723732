import { callerOf, mintUserToken, type UserClaims } from '../../src/emulator/entra/entraTokens';

// The caller of a request is read from its token once; the same token gives the same (frozen) answer.

const claims = (oid: string): UserClaims => ({
  aud: 'https://IntegratorApp.com',
  oid,
  tid: '00000000-0000-4000-8000-000000000001',
  scp: 'user_impersonation',
  name: 'Alex Admin',
  exp: 4_000_000_000,
  iat: 1_700_000_000,
  idtyp: 'user',
});

describe('callerOf', () => {
  it('reads a user token once and gives its requests one frozen caller', () => {
    const header = `Bearer ${mintUserToken(claims('oid-alex'))}`;
    const first = callerOf(header);
    expect(first).toEqual({ kind: 'user', claims: claims('oid-alex') });
    expect(callerOf(header)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(first.kind === 'user' && Object.isFrozen(first.claims)).toBe(true);
  });

  it("tells another user's token and an app token apart", () => {
    expect(callerOf(`Bearer ${mintUserToken(claims('oid-priya'))}`)).toEqual({
      kind: 'user',
      claims: claims('oid-priya'),
    });
    expect(callerOf('Bearer emulator.app-token')).toEqual({ kind: 'app' });
    expect(callerOf(undefined)).toEqual({ kind: 'app' });
  });
});
