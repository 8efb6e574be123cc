/** Thin fetch wrapper for the IOC REST API (`/api/v1`): bearer token, JSON, errors with the server's code and reason. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
    /** The server's `details` (e.g. a refused recording file's `{ reason, line }`). */
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
  }
}

/** A failed request's reason for the operator: the server's code (or status) and message. */
export function failureReason(err: unknown): string {
  return err instanceof ApiError ? `${err.code ?? err.status}: ${err.message}` : (err as Error).message;
}

export const API_BASE = '/api/v1';

export type TokenSource = () => string | undefined;
export type UnauthorisedHandler = () => void;

export class HttpClient {
  constructor(
    private readonly token: TokenSource,
    private readonly onUnauthorised: UnauthorisedHandler = () => undefined,
  ) {}

  get<T>(path: string, query?: Record<string, string | number | undefined | readonly string[]>): Promise<T> {
    return this.request<T>('GET', path + queryString(query));
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body ?? {});
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PATCH', path, body);
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, body);
  }

  delete(path: string): Promise<unknown> {
    return this.request<unknown>('DELETE', path);
  }

  /** A file from the server (not JSON): its bytes and its `Content-Disposition` header. */
  async download(path: string): Promise<{ readonly blob: Blob; readonly disposition: string | null }> {
    const res = await this.send('GET', path, { accept: '*/*' });
    return { blob: await res.blob(), disposition: res.headers.get('content-disposition') };
  }

  /** A file sent as the raw body (not JSON), the answer JSON. */
  async upload<T>(path: string, body: Blob, contentType: string): Promise<T> {
    const res = await this.send('POST', path, { 'content-type': contentType }, body);
    const text = await res.text();
    return (text ? safeJson(text) : undefined) as T;
  }

  /** A document that is not JSON (an HTML page, a PDF), with the bearer token; a refusal is the server's JSON error. */
  async document(path: string, query: Record<string, string | undefined>, as: 'text'): Promise<string>;
  async document(path: string, query: Record<string, string | undefined>, as: 'blob'): Promise<Blob>;
  async document(path: string, query: Record<string, string | undefined>, as: 'text' | 'blob'): Promise<string | Blob> {
    const res = await this.send('GET', path + queryString(query), { accept: '*/*' });
    return as === 'text' ? res.text() : res.blob();
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await this.send(method, path, headers, body === undefined ? undefined : JSON.stringify(body));
    const text = await res.text();
    return (text ? safeJson(text) : undefined) as T;
  }

  /** The bearer token, the request, and a failure as an ApiError with the server's code, message and details. */
  private async send(
    method: string,
    path: string,
    extraHeaders: Record<string, string>,
    body?: BodyInit,
  ): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json', ...extraHeaders };
    const token = this.token();
    if (token) headers.authorization = `Bearer ${token}`;
    let res: Response;
    try {
      res = await fetch(API_BASE + path, { method, headers, body });
    } catch (err) {
      throw new ApiError(0, 'NETWORK', (err as Error).message);
    }
    if (!res.ok) {
      if (res.status === 401 && token) this.onUnauthorised();
      const text = await res.text().catch(() => '');
      const e = ((text ? safeJson(text) : undefined) ?? {}) as {
        code?: string;
        message?: string | string[];
        error?: string;
        details?: Record<string, unknown>;
      };
      const message = Array.isArray(e.message) ? e.message.join('; ') : (e.message ?? e.error ?? res.statusText);
      throw new ApiError(res.status, e.code, message, e.details);
    }
    return res;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function queryString(query?: Record<string, string | number | undefined | readonly string[]>): string {
  if (!query) return '';
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === '') continue;
    if (Array.isArray(v)) {
      if (v.length > 0) p.set(k, v.join(','));
    } else p.set(k, String(v));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}
