import { DEMO_PASSWORD } from '@ioc/auth';

/** A tiny REST client for whole-system tests: JSON in and out, the bearer token of one demo user. */
export interface ApiClient {
  readonly token: string;
  get<T = unknown>(path: string): Promise<{ status: number; body: T }>;
  post<T = unknown>(path: string, body?: unknown): Promise<{ status: number; body: T }>;
  patch<T = unknown>(path: string, body: unknown): Promise<{ status: number; body: T }>;
  put<T = unknown>(path: string, body: unknown): Promise<{ status: number; body: T }>;
  delete<T = unknown>(path: string): Promise<{ status: number; body: T }>;
}

export async function login(baseUrl: string, username: string, password = DEMO_PASSWORD): Promise<string> {
  const res = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

export async function apiClient(baseUrl: string, username: string, password?: string): Promise<ApiClient> {
  const token = await login(baseUrl, username, password);
  const call = async <T>(method: string, path: string, body?: unknown) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON (CAP XML, metrics)
    }
    return { status: res.status, body: parsed as T };
  };
  return {
    token,
    get: (path) => call('GET', path),
    post: (path, body = {}) => call('POST', path, body),
    patch: (path, body) => call('PATCH', path, body),
    put: (path, body) => call('PUT', path, body),
    delete: (path) => call('DELETE', path),
  };
}
