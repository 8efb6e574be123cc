import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AuthError } from './auth.errors';
import { isUserRole, type Principal } from './principal';

interface TokenClaims {
  sub: string;
  username: string;
  name: string;
  role: string;
  /** Issued at and expiry, whole seconds since the epoch (set by the signer). */
  iat?: number;
  exp?: number;
}

/**
 * A verified token: its principal, when it was issued (whole seconds, for UserService.active) and when it expires
 * (whole seconds: an open socket is closed then).
 */
export type TokenPrincipal = Principal & { readonly issuedAtS: number; readonly expiresAtS: number };

/** Signs and verifies the bearer tokens of REST calls and socket handshakes (HS256 JWT, AUTH_TOKEN_TTL_S). */
@Injectable()
export class TokenService {
  constructor(private readonly jwt: JwtService) {}

  /** A token valid AUTH_TOKEN_TTL_S, or `expiresInS` when given (a shorter-lived token). */
  sign(p: Principal, expiresInS?: number): Promise<string> {
    const claims: TokenClaims = { sub: p.userId, username: p.username, name: p.displayName, role: p.role };
    return expiresInS === undefined
      ? this.jwt.signAsync(claims)
      : this.jwt.signAsync(claims, { expiresIn: expiresInS });
  }

  /** The token's principal; AUTH_INVALID when it is malformed, forged, expired or names no known role. */
  async verify(token: string): Promise<TokenPrincipal> {
    let claims: Partial<TokenClaims>;
    try {
      claims = await this.jwt.verifyAsync<TokenClaims>(token);
    } catch (e) {
      const reason = (e as Error).name === 'TokenExpiredError' ? 'token expired' : 'invalid token';
      throw new AuthError('AUTH_INVALID', reason, undefined, { cause: e });
    }
    const { sub, username, name, role, iat, exp } = claims;
    if (
      typeof sub !== 'string' ||
      typeof username !== 'string' ||
      typeof name !== 'string' ||
      !isUserRole(role) ||
      typeof iat !== 'number' ||
      typeof exp !== 'number'
    ) {
      throw new AuthError('AUTH_INVALID', 'invalid token claims');
    }
    return { userId: sub, username, displayName: name, role, issuedAtS: iat, expiresAtS: exp };
  }
}
