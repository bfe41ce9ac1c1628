import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { CliError, ExitCode } from './exit-codes';

/** The error body of every Gatehouse JSON API (DESIGN.md §3). */
export interface ApiErrorBody {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/** A list page: `{"data": […], "nextCursor": "…" | null}`. */
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export type Query = Record<string, string | number | boolean | undefined>;

/** The server answered with an error (4xx/5xx): printed in the API's words, exit 1. */
export class ApiRequestError extends CliError {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly apiMessage: string,
    readonly details: Record<string, unknown> | undefined,
    hints: string[] = [],
  ) {
    super(ExitCode.refused, formatApiError(code, apiMessage, details), hints);
    this.name = 'ApiRequestError';
  }
}

/** The server could not be reached (refused, DNS, TLS, timeout): exit 3. */
export class UnreachableError extends CliError {
  constructor(message: string) {
    super(ExitCode.unreachable, message, ['hint: is the server running? Set --url or GATEHOUSE_URL to its address']);
    this.name = 'UnreachableError';
  }
}

/**
 * `error: <code>: <message>`, naming the field from `details` when the message does not already
 * start with it (the API's validation messages usually do: `allowedCidrs[0]: "…" is not a valid CIDR`).
 */
export function formatApiError(code: string, message: string, details?: Record<string, unknown>): string {
  const field = typeof details?.field === 'string' ? details.field : null;
  const named = field && !message.startsWith(field) ? `${field}: ${message}` : message;
  return `error: ${code}: ${named}`;
}

export interface ApiClientOptions {
  /** `http://127.0.0.1:8080`, or a base behind a proxy such as `https://gw.example.com/gatehouse`. */
  baseUrl: string;
  token?: string;
  timeoutMs: number;
}

export interface ApiResponse<T> {
  status: number;
  body: T;
}

/**
 * The admin API over Node's global fetch. Every failure becomes a CliError with its exit code:
 * ApiRequestError (the server said no, exit 1) or UnreachableError (no answer, exit 3).
 */
export class ApiClient {
  constructor(private readonly options: ApiClientOptions) {}

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  async request<T>(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    init: { body?: unknown; query?: Query } = {},
  ): Promise<ApiResponse<T>> {
    const url = this.url(path, init.query);
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (this.options.token) headers.Authorization = `Bearer ${this.options.token}`;
    if (init.body !== undefined) headers['Content-Type'] = 'application/json';
    let res: Response;
    let text: string;
    try {
      res = await fetch(url, {
        method,
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: AbortSignal.timeout(this.options.timeoutMs),
        redirect: 'manual',
      });
      text = await res.text();
    } catch (err) {
      throw new UnreachableError(`error: cannot reach ${this.origin()}: ${describeNetworkError(err, this.options)}`);
    }
    const json = parseJson(text);
    if (res.status >= 400) throw this.apiError(res, json, text);
    if (res.status >= 300) {
      throw new CliError(
        ExitCode.refused,
        `error: http_${res.status}: ${url.pathname} redirects to ${res.headers.get('location') ?? '?'}`,
        ['hint: --url / GATEHOUSE_URL should be the server’s base address, e.g. http://127.0.0.1:8080'],
      );
    }
    if (res.status === 204 || text === '') return { status: res.status, body: undefined as T };
    if (json === undefined) {
      throw new CliError(
        ExitCode.refused,
        `error: unexpected_response: ${method} ${url.pathname} answered ${res.status} with ` +
          `${res.headers.get('content-type') ?? 'no content type'}, not JSON`,
        ['hint: is --url / GATEHOUSE_URL a Gatehouse server?'],
      );
    }
    return { status: res.status, body: json as T };
  }

  /**
   * POSTs a body streamed from `body` as NDJSON and yields the NDJSON events of the answer as
   * they arrive (imports). Errors before the stream starts are the API's, as everywhere else.
   */
  async *streamNdjson<T>(path: string, body: AsyncIterable<Buffer | string>, query?: Query): AsyncGenerator<T> {
    const url = this.url(path, query);
    const headers: Record<string, string> = {
      Accept: 'application/x-ndjson, application/json',
      'Content-Type': 'application/x-ndjson',
    };
    if (this.options.token) headers.Authorization = `Bearer ${this.options.token}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers,
        body: Readable.from(body),
        duplex: 'half',
        redirect: 'manual',
      });
    } catch (err) {
      throw new UnreachableError(`error: cannot reach ${this.origin()}: ${describeNetworkError(err, this.options)}`);
    }
    if (res.status >= 300 || !res.body) {
      const text = await res.text();
      throw this.apiError(res, parseJson(text), text);
    }
    const lines = createInterface({ input: Readable.fromWeb(res.body) });
    try {
      for await (const line of lines) if (line.trim() !== '') yield JSON.parse(line) as T;
    } catch (err) {
      if (err instanceof SyntaxError) throw new CliError(ExitCode.refused, 'error: unexpected_response: not NDJSON');
      throw new UnreachableError(
        `error: the connection to ${this.origin()} broke: ${describeNetworkError(err, this.options)}`,
      );
    }
  }

  async get<T>(path: string, query?: Query): Promise<T> {
    return (await this.request<T>('GET', path, { query })).body;
  }

  async post<T>(path: string, body: unknown = {}): Promise<T> {
    return (await this.request<T>('POST', path, { body })).body;
  }

  async patch<T>(path: string, body: unknown): Promise<T> {
    return (await this.request<T>('PATCH', path, { body })).body;
  }

  async delete(path: string): Promise<void> {
    await this.request<void>('DELETE', path);
  }

  /** One page, or every page (following `nextCursor`) folded into one with `nextCursor: null`. */
  async list<T>(path: string, query: Query, all: boolean): Promise<Page<T>> {
    const first = await this.get<Page<T>>(path, query);
    if (!all) return first;
    const data = [...first.data];
    let cursor = first.nextCursor;
    while (cursor) {
      const page = await this.get<Page<T>>(path, { ...query, cursor });
      data.push(...page.data);
      cursor = page.nextCursor;
    }
    return { data, nextCursor: null };
  }

  private url(path: string, query: Query = {}): URL {
    const url = new URL(this.options.baseUrl.replace(/\/+$/, '') + path);
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url;
  }

  private origin(): string {
    return this.options.baseUrl.replace(/\/+$/, '');
  }

  private apiError(res: Response, json: unknown, text: string): ApiRequestError {
    const error = (json as { error?: Partial<ApiErrorBody> } | undefined)?.error;
    const code = typeof error?.code === 'string' ? error.code : `http_${res.status}`;
    const message =
      typeof error?.message === 'string'
        ? error.message
        : (res.statusText || text.replace(/\s+/g, ' ').trim().slice(0, 200) || 'no message').trim();
    const hints: string[] = [];
    if (res.status === 401) {
      hints.push(
        this.options.token
          ? 'hint: the token was refused: set GATEHOUSE_TOKEN (or --token) to the root token or an admin token'
          : 'hint: no token given: set GATEHOUSE_TOKEN (or --token) to the root token or an admin token',
      );
    }
    const retryAfter = res.headers.get('retry-after');
    if (res.status === 429 && retryAfter) hints.push(`hint: retry after ${retryAfter} s`);
    return new ApiRequestError(res.status, code, message, error?.details, hints);
  }
}

/** `encodeURIComponent` for ids, slugs and external ids placed in a path. */
export const seg = (value: string): string => encodeURIComponent(value);

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_SOCKET: 'connection closed',
};

function describeNetworkError(err: unknown, options: ApiClientOptions): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
    return `no answer within ${Math.round(options.timeoutMs / 1000)} s`;
  }
  const cause = (err as { cause?: unknown } | undefined)?.cause;
  const code = (cause as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') return NETWORK_CODES[code] ? `${NETWORK_CODES[code]} (${code})` : code;
  if (cause instanceof Error) return cause.message;
  return err instanceof Error ? err.message : String(err);
}
