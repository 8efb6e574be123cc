import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, Optional, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { AuthError, bearerToken, TokenService, UserService } from '@ioc/auth';
import { IOC_CONFIG, type IocConfig } from '@ioc/platform';

type Headers = Record<string, string | string[] | undefined>;

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Who may read what an orchestrator does not need: `/metrics` (when METRICS_TOKEN is set) and the detail of `/health`.
 * The metrics token opens both; an admin's bearer token opens `/health`'s detail in a process with the api role (the
 * only one that verifies user tokens).
 */
@Injectable()
export class OpsAccess {
  private readonly metricsToken?: Buffer;

  constructor(
    @Inject(IOC_CONFIG) config: IocConfig,
    @Optional() @Inject(TokenService) private readonly tokens?: TokenService,
    @Optional() @Inject(UserService) private readonly users?: Pick<UserService, 'active'>,
  ) {
    this.metricsToken = config.metricsToken === undefined ? undefined : digest(config.metricsToken);
  }

  /** /metrics is open when no METRICS_TOKEN is set. */
  get metricsProtected(): boolean {
    return this.metricsToken !== undefined;
  }

  /** The request carries the metrics token (compared in constant time). */
  hasMetricsToken(headers: Headers): boolean {
    const token = bearerToken(headers.authorization);
    return this.metricsToken !== undefined && token !== undefined && timingSafeEqual(digest(token), this.metricsToken);
  }

  /** The metrics token, or the token of a user who is an admin as stored now. Anything else: false, never an error. */
  async maySeeDetail(headers: Headers): Promise<boolean> {
    if (this.hasMetricsToken(headers)) return true;
    const token = bearerToken(headers.authorization);
    if (!token || !this.tokens || !this.users) return false;
    try {
      return (await this.users.active(await this.tokens.verify(token))).role === 'admin';
    } catch {
      return false;
    }
  }
}

/** `/metrics` with METRICS_TOKEN set: AUTH_INVALID (401) without `Authorization: Bearer <METRICS_TOKEN>`. */
@Injectable()
export class MetricsTokenGuard implements CanActivate {
  constructor(@Inject(OpsAccess) private readonly access: OpsAccess) {}

  canActivate(ctx: ExecutionContext): boolean {
    if (!this.access.metricsProtected) return true;
    if (this.access.hasMetricsToken(ctx.switchToHttp().getRequest<{ headers: Headers }>().headers)) return true;
    throw new AuthError('AUTH_INVALID', 'metrics need the metrics token: Authorization: Bearer <METRICS_TOKEN>');
  }
}
