import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { REPORT_STYLE_CSP_SOURCE } from '@ioc/correlate';
import { OPENAPI_PATH } from './openapi';

type Directives = Record<string, string[]>;

/**
 * The Content-Security-Policy of everything the server answers. The console is Vite's build: its index.html loads
 * one module script and one stylesheet, no inline script or style; MapLibre's worker is a module file of its own
 * (blob: too, in case a build inlines it); the map draws only the city's GeoJSON, so no tile or font host is allowed.
 * socket.io and the REST API are same-origin ('self' covers ws: and wss: to the same host). The exercise report page
 * shows the after-action report in a sandboxed srcdoc iframe, which inherits this policy: the report's one <style>
 * is allowed by its hash, nothing else inline (the report has no script).
 */
export const CONSOLE_CSP: Readonly<Directives> = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'connect-src': ["'self'"],
  'font-src': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'object-src': ["'none'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'", REPORT_STYLE_CSP_SOURCE],
  'worker-src': ["'self'", 'blob:'],
};

/**
 * Swagger UI (/api/docs) alone: its page carries inline <style> blocks and its stylesheet data: images; its scripts
 * are files of ours ('self'), so scripts stay as strict as the console's.
 */
export const OPENAPI_CSP: Readonly<Directives> = {
  ...CONSOLE_CSP,
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:'],
};

const headers = (directives: Readonly<Directives>) =>
  helmet({
    // Not helmet's default set: upgrade-insecure-requests would break a console served over plain HTTP on a LAN.
    contentSecurityPolicy: { useDefaults: false, directives },
    frameguard: { action: 'deny' },
    // A year, this host only: the IOC may share its domain with other services that do not speak HTTPS.
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: false },
  });

/**
 * Security headers on every answer (helmet): the CSP above, frame-ancestors 'none' and X-Frame-Options DENY, nosniff,
 * no referrer, and no X-Powered-By. Registered before any route, so the console's static files, the API, /health and
 * the OpenAPI page all carry them.
 */
export function useSecurityHeaders(app: NestExpressApplication): void {
  app.disable('x-powered-by');
  const everywhere = headers(CONSOLE_CSP);
  const openApi = headers(OPENAPI_CSP);
  const docs = `/${OPENAPI_PATH}`;
  app.use((req: Request, res: Response, next: NextFunction) =>
    (req.path === docs || req.path.startsWith(`${docs}/`) ? openApi : everywhere)(req, res, next),
  );
}
