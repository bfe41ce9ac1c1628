import * as path from 'node:path';
import * as ipaddr from 'ipaddr.js';
import { z } from 'zod';

export const LISTENERS = ['http', 'ftp', 'sftp', 'smtp'] as const;
export type ListenerName = (typeof LISTENERS)[number];

export type DatabaseConfig = { type: 'sqlite'; path: string } | { type: 'mysql'; url: string };

/** Typed, validated configuration. Built once from the environment by `loadConfig`. */
export interface GatehouseConfig {
  host: string;
  http: { port: number; trustedProxies: string[]; bodyLimitBytes: number };
  ftp: {
    port: number;
    pasvPorts: { min: number; max: number };
    /** Announced in passive replies (behind NAT); null = the bound address. */
    pasvAddress: string | null;
    requireTls: boolean;
    /** Largest FTP/SFTP upload. */
    maxUploadBytes: number;
  };
  sftp: {
    port: number;
    /** PEM/OpenSSH private key file; null = generated (Ed25519) into the data dir at first start. */
    hostKeyFile: string | null;
  };
  smtp: {
    port: number;
    /** Implicit TLS (SMTPS), when set; needs the TLS certificate. */
    securePort: number | null;
    insecureAuth: boolean;
    smsDomain: string;
    maxMessageBytes: number;
  };
  /**
   * Open connections one address (an IPv6 /64 counts as one) may hold on each socket listener
   * (FTP, SFTP, SMTP): one client cannot take every socket of the process from the others.
   */
  maxConnectionsPerPeer: number;
  listeners: ListenerName[];
  dataDir: string;
  database: DatabaseConfig;
  redisUrl: string | null;
  /** Prefix of every Redis key and channel: deployments (or test runs) can share one Redis. */
  redisPrefix: string;
  rootToken: string | null;
  pepper: string | null;
  tls: { certFile: string; keyFile: string } | null;
  legacyCutoff: Date;
  allowPrivatePostbacks: boolean;
  bcryptCost: number;
  ban: { threshold: number; seconds: number; windowSeconds: number };
  postbacks: {
    /** First retry delay; doubles per attempt up to maxDelayMs (with jitter). */
    baseDelayMs: number;
    maxDelayMs: number;
    /** Deliveries older than this are given up (DESIGN.md §4: 24 h). */
    maxAgeSeconds: number;
    timeoutMs: number;
    pollMs: number;
  };
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /**
   * `json` (one JSON object a line), `pretty` (pino-pretty), or `auto`: pretty when stdout is a
   * terminal. `auto` under CI (a `CI` variable set) is `json`.
   */
  logFormat: 'json' | 'pretty' | 'auto';
  /**
   * GATEHOUSE_PUBLIC_URL without a trailing slash: the address clients use (the WSDL's
   * soap:address). Null when unset: then `http://<host>:<http port>` (the bound port when 0).
   */
  publicUrl: string | null;
  /** Request-log rows older than this many days are pruned. */
  requestLogDays: number;
  /** Bearer token `/metrics` requires; null = open. */
  metricsToken: string | null;
  /** How long SIGTERM waits for requests, uploads and mail in flight. */
  shutdownSeconds: number;
  /**
   * GATEHOUSE_CONSOLE_DIR: the built web console (`npm run build` writes `dist/console`), served
   * at `/console`. Null when unset: `dist/console` of the installation.
   */
  consoleDir: string | null;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

const port = z.coerce.number().int().min(0).max(65535);
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const positiveInt = z.coerce.number().int().positive();
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T.*)?$/, 'expected an ISO-8601 date such as 2023-06-06')
  .transform((v, ctx) => {
    const d = new Date(v);
    if (Number.isNaN(d.getTime())) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'not a valid date' });
      return z.NEVER;
    }
    return d;
  });
const csv = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0),
);

/** Raw environment schema: every variable of DESIGN.md §6, all optional. */
const envSchema = z.object({
  GATEHOUSE_HOST: z.string().ip().default('127.0.0.1'),
  GATEHOUSE_HTTP_PORT: port.default(8080),
  GATEHOUSE_FTP_PORT: port.default(2121),
  GATEHOUSE_FTP_PASV_PORTS: z
    .string()
    .regex(/^\d+-\d+$/, 'expected a range such as 30000-30099')
    .default('30000-30099')
    .transform((v, ctx) => {
      const [min, max] = v.split('-').map(Number) as [number, number];
      if (min < 1 || max > 65535 || min > max) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'range must be ascending within 1-65535' });
        return z.NEVER;
      }
      return { min, max };
    }),
  GATEHOUSE_FTP_PASV_ADDRESS: z.string().ip().optional(),
  GATEHOUSE_FTP_MAX_UPLOAD_BYTES: positiveInt.default(104_857_600),
  GATEHOUSE_SFTP_PORT: port.default(2222),
  GATEHOUSE_SFTP_HOST_KEY: z.string().min(1).optional(),
  GATEHOUSE_SMTP_PORT: port.default(2525),
  GATEHOUSE_SMTPS_PORT: port.optional(),
  GATEHOUSE_SMTP_MAX_MESSAGE_BYTES: positiveInt.default(1024 * 1024),
  GATEHOUSE_MAX_CONNECTIONS_PER_PEER: positiveInt.default(20),
  GATEHOUSE_LISTENERS: csv.default('http,ftp,sftp,smtp').pipe(z.array(z.enum(LISTENERS))),
  GATEHOUSE_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^(sqlite:.+|mysql:\/\/.+|mariadb:\/\/.+)$/, 'expected sqlite:<path> or mysql://user:pass@host:port/db')
    .optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/.+/, 'expected redis://host:port')
    .optional(),
  GATEHOUSE_REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_.-]{1,64}$/, 'letters, digits and : _ . - only')
    .default('gatehouse:'),
  GATEHOUSE_ROOT_TOKEN: z.string().min(24, 'must be at least 24 characters').optional(),
  GATEHOUSE_PEPPER: z.string().min(32, 'must be at least 32 characters').optional(),
  GATEHOUSE_TLS_CERT: z.string().min(1).optional(),
  GATEHOUSE_TLS_KEY: z.string().min(1).optional(),
  GATEHOUSE_FTP_REQUIRE_TLS: bool.default('false'),
  GATEHOUSE_SMTP_INSECURE_AUTH: bool.default('false'),
  GATEHOUSE_SMS_DOMAIN: z
    .string()
    .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i, 'expected a domain name')
    .default('sms.localhost'),
  GATEHOUSE_LEGACY_CUTOFF: isoDate.default('2023-06-06'),
  GATEHOUSE_TRUSTED_PROXIES: csv.default('').superRefine((list, ctx) => {
    for (const entry of list) {
      if (!isCidrOrAddress(entry)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: `"${entry}" is not a CIDR or IP address` });
      }
    }
  }),
  GATEHOUSE_ALLOW_PRIVATE_POSTBACKS: bool.default('false'),
  GATEHOUSE_BCRYPT_COST: z.coerce.number().int().min(4).max(15).default(12),
  GATEHOUSE_BAN_THRESHOLD: positiveInt.default(15),
  GATEHOUSE_BAN_SECONDS: positiveInt.default(1800),
  GATEHOUSE_BAN_WINDOW_SECONDS: positiveInt.default(1800),
  GATEHOUSE_POSTBACK_BASE_DELAY_MS: positiveInt.default(5000),
  GATEHOUSE_POSTBACK_MAX_DELAY_MS: positiveInt.default(3_600_000),
  GATEHOUSE_POSTBACK_MAX_AGE_SECONDS: positiveInt.default(86_400),
  GATEHOUSE_POSTBACK_TIMEOUT_MS: positiveInt.default(10_000),
  GATEHOUSE_POSTBACK_POLL_MS: positiveInt.default(1000),
  GATEHOUSE_PUBLIC_URL: z
    .string()
    .regex(
      /^https?:\/\/[^\s/?#@]+(\/[^\s?#]*)?$/i,
      'expected an http(s) URL such as https://gateway.example.com (no query, fragment or credentials)',
    )
    .optional(),
  GATEHOUSE_REQUEST_LOG_DAYS: positiveInt.max(36_500).default(90),
  GATEHOUSE_METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  GATEHOUSE_SHUTDOWN_SECONDS: z.coerce.number().int().min(0).max(3600).default(10),
  GATEHOUSE_CONSOLE_DIR: z.string().min(1).optional(),
  GATEHOUSE_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  GATEHOUSE_LOG_FORMAT: z.enum(['json', 'pretty', 'auto']).default('auto'),
  // Not ours: set by CI systems. Any value but false/0 means "no terminal to prettify for".
  CI: z.string().optional(),
});

function isCidrOrAddress(entry: string): boolean {
  if (ipaddr.isValid(entry)) return true;
  try {
    ipaddr.parseCIDR(entry);
    return true;
  } catch {
    return false;
  }
}

/**
 * Validates an environment map and turns it into the typed config.
 * Throws ConfigError naming every offending variable; the process refuses to start on it.
 */
export function loadConfig(env: Record<string, string | undefined>): GatehouseConfig {
  // An empty variable means "unset", as it does for most shells and compose files.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => {
        const [variable, ...item] = i.path;
        return `${String(variable)}: ${i.message}${item.length > 0 ? ` (item ${item.join('.')})` : ''}`;
      }),
    );
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (Boolean(e.GATEHOUSE_TLS_CERT) !== Boolean(e.GATEHOUSE_TLS_KEY)) {
    problems.push('GATEHOUSE_TLS_CERT / GATEHOUSE_TLS_KEY: set both or neither');
  }
  if (e.GATEHOUSE_SMTPS_PORT !== undefined && !e.GATEHOUSE_TLS_CERT) {
    problems.push('GATEHOUSE_SMTPS_PORT: implicit TLS needs GATEHOUSE_TLS_CERT and GATEHOUSE_TLS_KEY');
  }
  if (e.GATEHOUSE_FTP_REQUIRE_TLS && !e.GATEHOUSE_TLS_CERT) {
    problems.push('GATEHOUSE_FTP_REQUIRE_TLS: needs GATEHOUSE_TLS_CERT and GATEHOUSE_TLS_KEY');
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const dataDir = path.resolve(e.GATEHOUSE_DATA_DIR);
  return {
    host: e.GATEHOUSE_HOST,
    http: { port: e.GATEHOUSE_HTTP_PORT, trustedProxies: e.GATEHOUSE_TRUSTED_PROXIES, bodyLimitBytes: 1024 * 1024 },
    ftp: {
      port: e.GATEHOUSE_FTP_PORT,
      pasvPorts: e.GATEHOUSE_FTP_PASV_PORTS,
      pasvAddress: e.GATEHOUSE_FTP_PASV_ADDRESS ?? null,
      requireTls: e.GATEHOUSE_FTP_REQUIRE_TLS,
      maxUploadBytes: e.GATEHOUSE_FTP_MAX_UPLOAD_BYTES,
    },
    sftp: { port: e.GATEHOUSE_SFTP_PORT, hostKeyFile: e.GATEHOUSE_SFTP_HOST_KEY ?? null },
    smtp: {
      port: e.GATEHOUSE_SMTP_PORT,
      securePort: e.GATEHOUSE_SMTPS_PORT ?? null,
      insecureAuth: e.GATEHOUSE_SMTP_INSECURE_AUTH,
      smsDomain: e.GATEHOUSE_SMS_DOMAIN.toLowerCase(),
      maxMessageBytes: e.GATEHOUSE_SMTP_MAX_MESSAGE_BYTES,
    },
    maxConnectionsPerPeer: e.GATEHOUSE_MAX_CONNECTIONS_PER_PEER,
    listeners: [...new Set(e.GATEHOUSE_LISTENERS)],
    dataDir,
    database: parseDatabaseUrl(e.DATABASE_URL, dataDir),
    redisUrl: e.REDIS_URL ?? null,
    redisPrefix: e.GATEHOUSE_REDIS_PREFIX,
    rootToken: e.GATEHOUSE_ROOT_TOKEN ?? null,
    pepper: e.GATEHOUSE_PEPPER ?? null,
    tls:
      e.GATEHOUSE_TLS_CERT && e.GATEHOUSE_TLS_KEY
        ? { certFile: e.GATEHOUSE_TLS_CERT, keyFile: e.GATEHOUSE_TLS_KEY }
        : null,
    legacyCutoff: e.GATEHOUSE_LEGACY_CUTOFF,
    allowPrivatePostbacks: e.GATEHOUSE_ALLOW_PRIVATE_POSTBACKS,
    bcryptCost: e.GATEHOUSE_BCRYPT_COST,
    ban: {
      threshold: e.GATEHOUSE_BAN_THRESHOLD,
      seconds: e.GATEHOUSE_BAN_SECONDS,
      windowSeconds: e.GATEHOUSE_BAN_WINDOW_SECONDS,
    },
    postbacks: {
      baseDelayMs: e.GATEHOUSE_POSTBACK_BASE_DELAY_MS,
      maxDelayMs: e.GATEHOUSE_POSTBACK_MAX_DELAY_MS,
      maxAgeSeconds: e.GATEHOUSE_POSTBACK_MAX_AGE_SECONDS,
      timeoutMs: e.GATEHOUSE_POSTBACK_TIMEOUT_MS,
      pollMs: e.GATEHOUSE_POSTBACK_POLL_MS,
    },
    logLevel: e.GATEHOUSE_LOG_LEVEL,
    logFormat:
      e.GATEHOUSE_LOG_FORMAT === 'auto' && e.CI !== undefined && !['false', '0'].includes(e.CI.toLowerCase())
        ? 'json'
        : e.GATEHOUSE_LOG_FORMAT,
    publicUrl: e.GATEHOUSE_PUBLIC_URL?.replace(/\/+$/, '') ?? null,
    requestLogDays: e.GATEHOUSE_REQUEST_LOG_DAYS,
    metricsToken: e.GATEHOUSE_METRICS_TOKEN ?? null,
    shutdownSeconds: e.GATEHOUSE_SHUTDOWN_SECONDS,
    consoleDir: e.GATEHOUSE_CONSOLE_DIR === undefined ? null : path.resolve(e.GATEHOUSE_CONSOLE_DIR),
  };
}

function parseDatabaseUrl(url: string | undefined, dataDir: string): DatabaseConfig {
  if (!url) return { type: 'sqlite', path: path.join(dataDir, 'gatehouse.sqlite') };
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length);
    return { type: 'sqlite', path: file === ':memory:' ? file : path.resolve(file) };
  }
  return { type: 'mysql', url: url.replace(/^mariadb:/, 'mysql:') };
}
