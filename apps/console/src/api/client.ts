import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

/** The admin API, typed by the committed OpenAPI document (src/api/schema.d.ts). */
export type Schemas = components['schemas'];
export type Account = Schemas['AccountView'];
export type Credential = Schemas['CredentialView'];
export type Channel = Credential['channel'];
export type ChannelState = Schemas['ChannelStateView'];
export type Group = Schemas['GroupView'];
export type AdminToken = Schemas['AdminTokenView'];
export type RequestLogEntry = Schemas['RequestLogView'];
export type AuditLogEntry = Schemas['AuditLogView'];
export type CreateCredential = Schemas['CreateCredentialDto'];
export type UpdateCredential = Schemas['UpdateCredentialDto'];

export const CHANNELS: readonly Channel[] = ['ftp', 'rest', 'http', 'webservice', 'email'];
export const CHANNEL_LABELS: Record<Channel, string> = {
  ftp: 'FTP',
  rest: 'REST',
  http: 'HTTP',
  webservice: 'Web Service',
  email: 'Email',
};

/** An API error in the words the API gave: `{"error": {"code", "message", "details"}}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /**
   * Messages by the field they name: `details.field` (one field, the domain's checks) or
   * `details.fields` (`{field: [messages]}`, the request validation). The field's own name is
   * dropped from the front of its message ("name: must be…" → "must be…").
   */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    const strip = (field: string, message: string): string =>
      message.startsWith(`${field}: `) ? message.slice(field.length + 2) : message;
    const { field, fields } = this.details;
    if (typeof field === 'string') out[field] = strip(field, this.message);
    if (fields && typeof fields === 'object') {
      for (const [name, messages] of Object.entries(fields as Record<string, unknown>)) {
        const list = Array.isArray(messages) ? messages.map(String) : [String(messages)];
        out[name] = list.map((m) => strip(name, m)).join('; ');
      }
    }
    return out;
  }

  /** Entries of a list the API refused one by one (`details.invalid`, e.g. allowed CIDRs). */
  invalidEntries(): string[] {
    const invalid = this.details['invalid'];
    return Array.isArray(invalid) ? invalid.map(String) : [];
  }
}

let token: string | null = null;
let onUnauthorized: ((message: string) => void) | null = null;

/** The token every call carries; held in memory here and in sessionStorage by the session. */
export function setApiToken(value: string | null): void {
  token = value;
}

/** Called when the API refuses the session's token (401): the console signs out. */
export function setUnauthorizedHandler(handler: ((message: string) => void) | null): void {
  onUnauthorized = handler;
}

const auth: Middleware = {
  onRequest({ request }) {
    if (token !== null && !request.headers.has('Authorization')) {
      request.headers.set('Authorization', `Bearer ${token}`);
    }
    return request;
  },
  onResponse({ request, response }) {
    if (response.status === 401 && token !== null && request.headers.get('Authorization') === `Bearer ${token}`) {
      onUnauthorized?.('The server no longer accepts your token (401). Sign in again.');
    }
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: window.location.origin });
api.use(auth);

type Result<D> = { data?: D; error?: unknown; response: Response };

/**
 * The data of a successful call, or an ApiError with the API's code, message and details.
 * A network failure is an ApiError too (status 0), so every failure can be shown in words.
 */
export async function ok<D>(call: Promise<Result<D>>): Promise<D> {
  let result: Result<D>;
  try {
    result = await call;
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'network_error', 'The server could not be reached. Check your connection and try again.');
  }
  const { data, error, response } = result;
  if (response.ok && error === undefined) return data as D;
  throw toApiError(response.status, error);
}

function toApiError(status: number, body: unknown): ApiError {
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
  if (error && typeof error.code === 'string') {
    const details =
      error.details && typeof error.details === 'object' ? (error.details as Record<string, unknown>) : {};
    return new ApiError(status, error.code, typeof error.message === 'string' ? error.message : error.code, details);
  }
  return new ApiError(status, `http_${status}`, `The server answered ${status} without an explanation.`);
}

/** Every page of a cursor-paginated list, `limit` rows a request; `onPage` sees the rows so far. */
export async function allPages<T>(
  fetchPage: (cursor: string | undefined) => Promise<{ data: T[]; nextCursor: string | null }>,
  onPage?: (rows: T[]) => void,
): Promise<T[]> {
  const rows: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await fetchPage(cursor);
    rows.push(...page.data);
    onPage?.(rows.slice());
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return rows;
}

/** A message for any thrown value, for the places no field claims. */
export function messageOf(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}
