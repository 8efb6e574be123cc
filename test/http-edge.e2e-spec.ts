import { DEMO_PASSWORD } from '@ioc/auth';
import {
  login,
  startServer,
  startTestStack,
  TEST_METRICS_TOKEN,
  type ServerHandle,
  type TestStack,
} from '@ioc/testing';

/**
 * The HTTP edge as an attacker meets it: sign-in throttled per account and per address (429, Retry-After), security
 * headers on the console, the API and the OpenAPI page, /metrics behind its token, and an anonymous /health that says
 * only ok or degraded. The server trusts the loopback proxy, so each request's X-Forwarded-For plays another client.
 */
describe('HTTP edge', () => {
  let stack: TestStack;
  let server: ServerHandle;
  const MAX_PER_ACCOUNT = 3;
  const MAX_PER_ADDRESS = 6;

  beforeAll(async () => {
    stack = await startTestStack('edge');
    server = await startServer({
      ...stack.env,
      IOC_ROLES: 'api',
      HTTP_TRUST_PROXY: 'loopback',
      AUTH_LOGIN_MAX_ATTEMPTS: String(MAX_PER_ACCOUNT),
      AUTH_LOGIN_MAX_ATTEMPTS_PER_ADDRESS: String(MAX_PER_ADDRESS),
      AUTH_LOGIN_WINDOW_S: '60',
      LOG_LEVEL: 'info',
    });
  });

  afterAll(async () => {
    if (server) expect(await server.stop()).toBe(0);
    await stack?.close();
  });

  const signIn = (username: string, password: string, from: string) =>
    fetch(`${server.baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
      body: JSON.stringify({ username, password }),
    });
  const logLines = () =>
    server
      .logs()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);

  it('refuses an account with 429 and Retry-After after its failed sign-ins, from any address', async () => {
    for (let i = 1; i <= MAX_PER_ACCOUNT; i++)
      expect((await signIn('supervisor1', `guess-${i}`, `203.0.113.${i}`)).status).toBe(401);
    // The right password, from yet another address: refused before it is checked.
    const refused = await signIn('Supervisor1', DEMO_PASSWORD, '203.0.113.50');
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await refused.json()).toEqual({
      statusCode: 429,
      code: 'AUTH_THROTTLED',
      message: expect.stringContaining('for this account'),
      details: { retryAfterS: retryAfter },
    });
    // Another account from the same address is not affected.
    expect((await signIn('operator2', DEMO_PASSWORD, '203.0.113.50')).status).toBe(200);

    // Each failure logged with the username and the client's address, never the password.
    const failed = logLines().filter((l) => l.msg === 'login failed' && l.username === 'supervisor1');
    expect(failed.map((l) => l.address)).toEqual(['203.0.113.1', '203.0.113.2', '203.0.113.3']);
    expect(logLines().some((l) => l.msg === 'login throttled' && l.address === '203.0.113.50')).toBe(true);
    expect(server.logs()).not.toContain('guess-1');
  });

  it('refuses an address with 429 after its failed sign-ins, whichever usernames it tried', async () => {
    const from = '198.51.100.9';
    for (let i = 0; i < MAX_PER_ADDRESS; i++) expect((await signIn(`nobody-${i}`, 'guess', from)).status).toBe(401);
    const refused = await signIn('operator1', DEMO_PASSWORD, from);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await refused.json()) as { message: string }).message).toContain('from this address');
    // The same user from another address signs in.
    expect((await signIn('operator1', DEMO_PASSWORD, '198.51.100.10')).status).toBe(200);
  });

  it('sends the security headers on the console, the API and the OpenAPI page; no X-Powered-By', async () => {
    const token = await login(server.baseUrl, 'operator1');
    const answers = {
      console: await fetch(`${server.baseUrl}/`),
      consoleRoute: await fetch(`${server.baseUrl}/incidents/whatever`),
      api: await fetch(`${server.baseUrl}/api/v1/incidents`, { headers: { authorization: `Bearer ${token}` } }),
      apiRefusal: await fetch(`${server.baseUrl}/api/v1/incidents`),
      health: await fetch(`${server.baseUrl}/health`),
    };
    expect(await answers.console.text()).toContain('<div id="root">');
    for (const [what, res] of Object.entries(answers)) {
      const csp = res.headers.get('content-security-policy') ?? '';
      const directives = new Map(
        csp.split(';').map((d) => {
          const [name, ...values] = d.trim().split(/\s+/);
          return [name, values] as const;
        }),
      );
      expect({ what, scripts: directives.get('script-src') }).toEqual({ what, scripts: ["'self'"] });
      expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
      expect(directives.get('object-src')).toEqual(["'none'"]);
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('upgrade-insecure-requests');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-powered-by')).toBeNull();
    }
    // Swagger UI's page has inline <style>: its own policy allows inline styles, never inline scripts.
    const docs = await fetch(`${server.baseUrl}/api/docs`);
    expect(docs.status).toBe(200);
    const docsCsp = docs.headers.get('content-security-policy') ?? '';
    expect(docsCsp).toContain("script-src 'self';");
    expect(docsCsp).toContain("style-src 'self' 'unsafe-inline'");
    expect(docsCsp).toContain("frame-ancestors 'none'");
    expect(docs.headers.get('x-powered-by')).toBeNull();
  });

  it('answers /metrics only with the metrics token', async () => {
    const metrics = (authorization?: string) =>
      fetch(`${server.baseUrl}/metrics`, authorization ? { headers: { authorization } } : {});
    const none = await metrics();
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ code: 'AUTH_INVALID' });
    expect((await metrics('Bearer not-the-metrics-token')).status).toBe(401);
    // A user's token is not the metrics token, even an admin's.
    expect((await metrics(`Bearer ${await login(server.baseUrl, 'admin1')}`)).status).toBe(401);
    const ok = await metrics(`Bearer ${TEST_METRICS_TOKEN}`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toMatch(/^ioc_nodejs_eventloop_lag_p99_seconds[ {]/m);
  });

  it("says only the status to anonymous /health, the detail to the metrics token and to an admin's token", async () => {
    const health = async (authorization?: string) => {
      const res = await fetch(`${server.baseUrl}/health`, authorization ? { headers: { authorization } } : {});
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    expect(await health()).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await health('Bearer wrong')).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await health(`Bearer ${await login(server.baseUrl, 'operator1')}`)).toEqual({
      status: 200,
      body: { status: 'ok' },
    });
    const detail = { status: 'ok', database: { ok: true }, redis: { ok: true } };
    expect((await health(`Bearer ${TEST_METRICS_TOKEN}`)).body).toMatchObject(detail);
    expect((await health(`Bearer ${await login(server.baseUrl, 'admin1')}`)).body).toMatchObject(detail);
  });
});
