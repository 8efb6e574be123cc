import type { Page, Route } from 'playwright-core';
import type { ProvisioningKeyDto, RegistryDeviceDto } from '@ioc/contracts';
import { DEMO_PASSWORD } from '@ioc/auth';
import { apiClient, type ApiClient, type ServerHandle } from '@ioc/testing';
import { screenshot, startConsoleHarness, type ConsoleHarness } from './support/browser';

/**
 * The device registry page of the console, in a real browser (Debian's Chromium) against the whole server: an
 * integrator (whose console is the registry alone) finds the city's 1,729 devices, registers a device, sees its MQTT
 * password once (copied, never stored in the browser), rotates it after a confirmation, disables, enables and deletes
 * it, hangs devices off a gateway, creates a gateway and a provisioning key; a refusal of the server is shown with its
 * code. Operators have no such page and the API refuses them (403); an admin reaches it from the header.
 * Screenshots: test-output/screenshots/registry-*.png.
 */
describe('operator console: device registry (browser)', () => {
  let ui: ConsoleHarness;
  let server: ServerHandle;
  let integratorApi: ApiClient;
  const pageErrors: string[] = [];
  const DEVICE = 'wl-test-901';
  const GATEWAY = 'gw-test-01';

  /** An integrator signs in: no live feed or map to wait for, the registry page is their console. */
  async function signInIntegrator(lang: 'vi' | 'en'): Promise<Page> {
    const context = await ui.newContext({
      viewport: { width: 1440, height: 900 },
      locale: lang === 'vi' ? 'vi-VN' : 'en-GB',
    });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.baseUrl });
    const page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(server.baseUrl);
    await page.locator('[data-testid="login-form"]').waitFor();
    if (lang === 'en') await page.click('.lang-switch button[data-lang="en"]');
    await page.fill('input[name="username"]', 'integrator1');
    await page.fill('input[name="password"]', DEMO_PASSWORD);
    await page.click('button[type="submit"]');
    await page.locator('[data-testid="registry-view"]').waitFor({ timeout: 15_000 });
    return page;
  }

  const registered = async (id: string) =>
    integratorApi.get<RegistryDeviceDto & { code?: string }>(`/api/v1/registry/devices/${id}`);
  const row = (page: Page, id: string) => page.locator(`tr[data-device-id="${id}"]`);
  /** Everything the browser keeps beyond the page (the session's token lives in sessionStorage). */
  const stored = (page: Page) =>
    page.evaluate<string>('JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage } })');

  /** Answers the confirmation dialog. */
  async function confirm(page: Page, expectText: string): Promise<void> {
    const dialog = page.locator('[data-testid="confirm-dialog"]');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain(expectText);
    // The safe answer has the focus: Enter does not cut a device off.
    expect(await page.evaluate<string>('document.activeElement.dataset.testid')).toBe('confirm-cancel');
    await dialog.locator('[data-testid="confirm-ok"]').click();
    await dialog.waitFor({ state: 'detached' });
  }

  /** Reads the credentials dialog, checks its warning, copies the password and closes it: its password. */
  async function readCredentials(page: Page, id: string, shot?: string): Promise<string> {
    const dialog = page.locator('[data-testid="credentials-dialog"]');
    await dialog.waitFor();
    expect(await dialog.locator('[data-testid="credentials-warning"]').textContent()).toContain('Chỉ hiển thị một lần');
    expect(await dialog.locator('[data-testid="credentials-username"]').inputValue()).toBe(id);
    expect(await dialog.locator('[data-testid="credentials-clientId"]').inputValue()).toBe(id);
    // Focus on the password's copy button: one key press copies it.
    expect(await page.evaluate<string>('document.activeElement.dataset.testid')).toBe('credentials-copy-password');
    const password = await dialog.locator('[data-testid="credentials-password"]').inputValue();
    expect(password.length).toBeGreaterThanOrEqual(24);
    if (shot) await screenshot(page, shot);
    await dialog.locator('[data-testid="credentials-copy-password"]').click();
    await dialog.locator('.copied.ok').waitFor();
    expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(password);
    // Neither stored in the browser nor left in the page once the dialog is closed.
    expect(await stored(page)).not.toContain(password);
    await dialog.locator('[data-testid="credentials-close"]').click();
    await dialog.waitFor({ state: 'detached' });
    expect(await page.content()).not.toContain(password);
    return password;
  }

  beforeAll(async () => {
    // Demo users (integrator1, operator1, admin1) are opt-in on the server.
    ui = await startConsoleHarness('console-registry', { AUTH_DEMO_USERS: 'true' });
    ({ server } = ui);
    integratorApi = await apiClient(server.baseUrl, 'integrator1');
  });

  afterAll(async () => {
    if (ui) expect(await ui.close()).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  it('lets an integrator register a device, see its password once, rotate it, disable, enable and delete it', async () => {
    const page = await signInIntegrator('vi');
    // The integrator's console: the registry, no live feed, no incidents.
    expect(await page.locator('[data-testid="feed-status"]').count()).toBe(0);
    expect(await page.locator('[data-testid="nav-registry"]').textContent()).toBe('Thiết bị & cổng');
    const count = page.locator('[data-testid="registry-device-count"]');
    await page.locator('[data-testid="registry-device-count"][data-matching="1729"]').waitFor({ timeout: 15_000 });
    expect(await count.textContent()).toContain('1–50');
    expect(await page.locator('[data-testid="registry-device-table"] tbody tr').count()).toBe(50);
    expect(await page.locator('[data-testid="registry-page"]').textContent()).toBe('Trang 1/35');
    await page.locator('[data-testid="registry-filter-type"]').selectOption('water-level-sensor');
    await page.locator('[data-testid="registry-filter-ward"]').selectOption('ward-p3');
    const inP3 = Number(await count.getAttribute('data-matching'));
    expect(inP3).toBeGreaterThan(0);
    expect(inP3).toBeLessThan(59);
    await screenshot(page, 'registry-01-devices-vi');
    await page.locator('[data-testid="registry-filter-clear"]').click();

    // The form says what is wrong before sending anything.
    await page.locator('[data-testid="registry-device-new"]').click();
    const form = page.locator('[data-testid="registry-device-form"]');
    await form.locator('[data-testid="registry-device-id"]').fill('ioc-ingest-9');
    await form.locator('[data-testid="registry-device-submit"]').click();
    const formError = form.locator('[data-testid="registry-device-form-error"]');
    await formError.waitFor();
    expect(await formError.textContent()).toContain('dành cho IOC');
    expect(await formError.textContent()).toContain('Chọn loại thiết bị');
    expect(await formError.textContent()).toContain('Chọn phường');

    await form.locator('[data-testid="registry-device-id"]').fill(DEVICE);
    await form.locator('[data-testid="registry-device-type"]').selectOption('water-level-sensor');
    await form.locator('[data-testid="registry-device-name"]').fill('Cảm biến mực nước thử nghiệm');
    await form.locator('[data-testid="registry-device-ward"]').selectOption('ward-p3');
    // Connected directly (no gateway): only such a device has credentials of its own to show and rotate.
    await screenshot(page, 'registry-02-device-form-vi');
    await form.locator('[data-testid="registry-device-submit"]').click();

    const first = await readCredentials(page, DEVICE, 'registry-03-credentials-vi');
    await page
      .locator('[data-testid="registry-notice"]')
      .filter({ hasText: `Đã tạo thiết bị ${DEVICE}` })
      .waitFor();
    await row(page, DEVICE).waitFor();
    const created = (await registered(DEVICE)).body;
    expect(created).toMatchObject({
      id: DEVICE,
      type: 'water-level-sensor',
      wardId: 'ward-p3',
      gatewayId: null,
      status: 'active',
    });
    expect(created.credentialIssuedAt).not.toBeNull();

    // A refusal of the server (here a canned one, once) is shown with its code, as other pages show theirs.
    const rotateUrl = `**/api/v1/registry/devices/${DEVICE}/rotate`;
    await page.route(rotateUrl, (route) =>
      route.fulfill({
        status: 503,
        contentType: 'application/json',
        body: JSON.stringify({ statusCode: 503, code: 'BROKER_ADMIN_UNAVAILABLE', message: 'broker not answering' }),
      }),
    );
    await row(page, DEVICE).locator('[data-testid="registry-rotate"]').click();
    await confirm(page, 'ngắt kết nối');
    await page
      .locator('.registry [role="alert"]')
      .filter({ hasText: 'BROKER_ADMIN_UNAVAILABLE: broker not answering' })
      .waitFor();
    await page.unroute(rotateUrl);

    // Rotate, confirmed first: a new password, shown once.
    await row(page, DEVICE).locator('[data-testid="registry-rotate"]').click();
    await page.locator('[data-testid="confirm-dialog"]').waitFor();
    await screenshot(page, 'registry-04-confirm-rotate-vi');
    await confirm(page, 'ngắt kết nối');
    const second = await readCredentials(page, DEVICE);
    expect(second).not.toBe(first);
    expect(Date.parse((await registered(DEVICE)).body.credentialIssuedAt!)).toBeGreaterThanOrEqual(
      Date.parse(created.credentialIssuedAt!),
    );

    // Disable (confirmed), enable again.
    await row(page, DEVICE).locator('[data-testid="registry-disable"]').click();
    await confirm(page, 'bị từ chối');
    await page.locator(`tr[data-device-id="${DEVICE}"][data-status="disabled"]`).waitFor();
    expect((await registered(DEVICE)).body.status).toBe('disabled');
    await row(page, DEVICE).locator('[data-testid="registry-enable"]').click();
    await page.locator(`tr[data-device-id="${DEVICE}"][data-status="active"]`).waitFor();
    expect((await registered(DEVICE)).body.status).toBe('active');

    // Delete, confirmed: gone from the table and the registry.
    await row(page, DEVICE).locator('[data-testid="registry-delete"]').click();
    await confirm(page, 'Không thể hoàn tác');
    await row(page, DEVICE).waitFor({ state: 'detached' });
    expect((await registered(DEVICE)).status).toBe(404);
  });

  it('hangs ticked devices off a gateway, and creates a gateway with devices, its password shown once', async () => {
    const page = await signInIntegrator('vi');
    await page.locator('[data-testid="registry-device-count"][data-matching="1729"]').waitFor({ timeout: 15_000 });
    await page.locator('[data-testid="registry-filter-type"]').selectOption('rain-gauge');
    const rows = page.locator('[data-testid="registry-device-table"] tbody tr');
    const ids = [await rows.nth(0).getAttribute('data-device-id'), await rows.nth(1).getAttribute('data-device-id')];
    for (let i = 0; i < 2; i++) await rows.nth(i).locator('[data-testid="registry-select"]').check();
    const bar = page.locator('[data-testid="registry-selection"]');
    expect(await bar.textContent()).toContain('Đã chọn 2');

    // A new gateway in ward 3 with the two ticked devices.
    await page.locator('[data-testid="registry-tab-gateways"]').click();
    await page.locator('[data-testid="registry-gateway-new"]').click();
    const form = page.locator('[data-testid="registry-gateway-form"]');
    await form.locator('[data-testid="registry-gateway-id"]').fill(GATEWAY);
    await form.locator('[data-testid="registry-gateway-ward"]').selectOption('ward-p3');
    await form.locator('[data-testid="registry-gateway-devices-input"]').fill('not-a-device-1');
    await form.locator('[data-testid="registry-gateway-submit"]').click();
    expect(await form.locator('[data-testid="registry-gateway-form-error"]').textContent()).toContain('not-a-device-1');
    await form.locator('[data-testid="registry-gateway-devices-input"]').fill('');
    await form.locator('[data-testid="registry-gateway-add-selected"]').click();
    expect(await form.locator('[data-testid="registry-gateway-devices-input"]').inputValue()).toBe(ids.join('\n'));
    await form.locator('[data-testid="registry-gateway-submit"]').click();
    await readCredentials(page, GATEWAY);
    const gwRow = page.locator(`tr[data-gateway-id="${GATEWAY}"]`);
    await gwRow.waitFor();
    expect(await gwRow.locator('[data-testid="registry-gateway-devices"]').textContent()).toBe('Xem 2');
    await screenshot(page, 'registry-05-gateways-vi');
    for (const id of ids) expect((await registered(id!)).body.gatewayId).toBe(GATEWAY);

    // Back to the devices, the selection kept: taken off any gateway together.
    await gwRow.locator('[data-testid="registry-gateway-devices"]').click();
    await page.locator('[data-testid="registry-device-count"][data-matching="2"]').waitFor();
    await page.locator('[data-testid="registry-assign-gateway"]').selectOption('-');
    await page.locator('[data-testid="registry-assign"]').click();
    await page.locator('[data-testid="registry-selection"]').waitFor({ state: 'detached' });
    for (const id of ids) expect((await registered(id!)).body.gatewayId).toBeNull();
    await page.locator('[data-testid="registry-device-count"][data-matching="0"]').waitFor();
  });

  it('creates a provisioning key, its secret shown once, and revokes it (the keys routes, as the contract has them)', async () => {
    // The provisioning keys' routes are another change's: answered here as their contract (ProvisioningKeyDto) has it.
    const keys: Array<ProvisioningKeyDto> = [];
    const page = await signInIntegrator('en');
    const json = (route: Route, status: number, body: unknown) =>
      route.fulfill({ status, contentType: 'application/json', body: JSON.stringify(body) });
    await page.route('**/api/v1/registry/provisioning-keys**', async (route) => {
      const req = route.request();
      if (req.method() === 'GET') return json(route, 200, keys);
      const revoke = /provisioning-keys\/([^/]+)\/revoke$/.exec(req.url());
      if (revoke) {
        const i = keys.findIndex((k) => k.id === revoke[1]);
        keys[i] = { ...keys[i], revokedAt: new Date().toISOString() };
        return route.fulfill({ status: 204 });
      }
      const body = req.postDataJSON() as {
        id: string;
        deviceTypes: string[];
        wardIds: string[];
        maxDevices: number;
        expiresAt: string;
      };
      const key: ProvisioningKeyDto = {
        ...body,
        used: 0,
        revokedAt: null,
        createdBy: 'integrator1',
        username: `prov-${body.id}`,
        requestTopic: `ioc/provision/v1/${body.id}/request`,
        responseTopic: `ioc/provision/v1/${body.id}/response`,
      };
      keys.push(key);
      return json(route, 201, { key, secret: 'k3y-s3cret-shown-once-0123456789' });
    });
    await page.locator('[data-testid="registry-tab-keys"]').click();
    await page.locator('[data-testid="registry-keys"] .empty').waitFor();
    await page.locator('[data-testid="registry-key-new"]').click();
    const form = page.locator('[data-testid="registry-key-form"]');
    await form.locator('[data-testid="registry-key-id"]').fill('bins-p3-q4');
    await form.locator('[data-testid="registry-key-type-bin"]').check();
    await form.locator('[data-testid="registry-key-max"]').fill('200');
    await screenshot(page, 'registry-06-key-form-en');
    await form.locator('[data-testid="registry-key-submit"]').click();
    const dialog = page.locator('[data-testid="credentials-dialog"]');
    await dialog.waitFor();
    expect(await dialog.locator('[data-testid="credentials-warning"]').textContent()).toContain('Shown this once only');
    expect(await dialog.locator('[data-testid="credentials-password"]').inputValue()).toBe(
      'k3y-s3cret-shown-once-0123456789',
    );
    expect(await dialog.locator('[data-testid="credentials-username"]').inputValue()).toBe('prov-bins-p3-q4');
    await screenshot(page, 'registry-07-key-secret-en');
    await dialog.locator('[data-testid="credentials-close"]').click();
    const keyRow = page.locator('tr[data-key-id="bins-p3-q4"]');
    await keyRow.waitFor();
    expect(await keyRow.getAttribute('data-status')).toBe('active');
    expect(await page.content()).not.toContain('k3y-s3cret');
    await keyRow.locator('[data-testid="registry-key-revoke"]').click();
    await confirm(page, 'No device can register itself with this key');
    await page.locator('tr[data-key-id="bins-p3-q4"][data-status="revoked"]').waitFor();
  });

  it('shows the page to no operator (the API refuses them), and to an admin from the header', async () => {
    const operator = await ui.signIn('operator1', 'vi');
    expect(await operator.locator('[data-testid="nav-registry"]').count()).toBe(0);
    const operatorApi = await apiClient(server.baseUrl, 'operator1');
    const refused = await operatorApi.get<{ code: string }>('/api/v1/registry/devices');
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('AUTH_FORBIDDEN');
    expect((await operatorApi.post(`/api/v1/registry/devices/${DEVICE}/rotate`)).status).toBe(403);

    const admin = await ui.signIn('admin1', 'en');
    await admin.click('[data-testid="nav-registry"]');
    await admin.locator('[data-testid="registry-device-count"][data-matching="1729"]').waitFor({ timeout: 15_000 });
    // The live feed stays up behind the page.
    expect(await admin.locator('[data-testid="feed-status"].feed-live').count()).toBe(1);
    await screenshot(admin, 'registry-08-admin-en');
    await admin.click('[data-testid="nav-operations"]');
    await admin.locator('[data-testid="tab-incidents"]').waitFor();
  });
});
