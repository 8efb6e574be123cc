import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AuthError } from './auth.errors';
import { isUserRole, type Principal } from './principal';

interface TokenClaims {
  sub: string;
  username: string;
  name: string;
  role: string;
  /** Issued at, whole seconds since the epoch (set by the signer). */
  iat?: number;
}

/** A verified token: its principal, and when it was issued (whole seconds), for UserService.active. */
export type TokenPrincipal = Principal & { readonly issuedAtS: number };

/** Signs and verifies the bearer tokens of REST calls and socket handshakes (HS256 JWT, AUTH_TOKEN_TTL_S). */
@Injectable()
export class TokenService {
  constructor(private readonly jwt: JwtService) {}

  sign(p: Principal): Promise<string> {
    const claims: TokenClaims = { sub: p.userId, username: p.username, name: p.displayName, role: p.role };
    return this.jwt.signAsync(claims);
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
    const { sub, username, name, role, iat } = claims;
    if (
      typeof sub !== 'string' ||
      typeof username !== 'string' ||
      typeof name !== 'string' ||
      !isUserRole(role) ||
      typeof iat !== 'number'
    ) {
      throw new AuthError('AUTH_INVALID', 'invalid token claims');
    }
    return { userId: sub, username, displayName: name, role, issuedAtS: iat };
  }
}
