import { Catch, HttpException, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { BaseWsExceptionFilter } from '@nestjs/websockets';
import type { Response } from 'express';
import type { ApiError } from '@ioc/contracts';
import { isIocError, LOGGER, type Logger } from '@ioc/platform';
import { codeOfStatus, httpStatusOf } from './error-status';

/**
 * The one place errors become HTTP answers: `{ statusCode, code, message, details? }` for every failure, in every
 * process (OpsHttpModule registers it, so /metrics's 401 has the same shape in a process without the api role).
 */
@Catch()
export class IocExceptionFilter implements ExceptionFilter {
  /** Socket handlers keep Nest's own handling (the gateway answers with its own codes). */
  private readonly ws = new BaseWsExceptionFilter();

  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(err: unknown, host: ArgumentsHost): void {
    if (host.getType() === 'ws') return this.ws.catch(err, host);
    if (host.getType() !== 'http') throw err;
    const res = host.switchToHttp().getResponse<Response>();
    const body = this.toBody(err);
    if (body.statusCode >= 500) this.logger.error({ err, code: body.code }, 'request failed');
    if (res.headersSent) return;
    // A refusal that ends (AUTH_THROTTLED) says when: RFC 9110 Retry-After, in seconds.
    const retryAfterS = body.details?.retryAfterS;
    if (typeof retryAfterS === 'number') res.setHeader('Retry-After', String(retryAfterS));
    res.status(body.statusCode).json(body);
  }

  private toBody(err: unknown): ApiError {
    if (isIocError(err)) {
      return {
        statusCode: httpStatusOf(err.code),
        code: err.code,
        message: err.message,
        ...(err.details && { details: err.details }),
      };
    }
    if (err instanceof HttpException) {
      const statusCode = err.getStatus();
      const r = err.getResponse();
      const o = typeof r === 'object' && r !== null ? (r as Record<string, unknown>) : {};
      const message =
        typeof o.message === 'string'
          ? o.message
          : Array.isArray(o.message)
            ? o.message.join('; ')
            : typeof r === 'string'
              ? r
              : err.message;
      const code = typeof o.code === 'string' ? o.code : codeOfStatus(statusCode);
      const { code: _c, message: _m, statusCode: _s, error: _e, ...rest } = o;
      return { statusCode, code, message, ...(Object.keys(rest).length > 0 && { details: rest }) };
    }
    return { statusCode: 500, code: 'INTERNAL', message: 'internal error' };
  }
}
