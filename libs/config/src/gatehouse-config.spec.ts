import * as path from 'node:path';
import { ConfigError, loadConfig } from './gatehouse-config';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('gives the DESIGN.md defaults for an empty environment', () => {
    const c = loadConfig({});
    expect(c.host).toBe('127.0.0.1');
    expect(c.http.port).toBe(8080);
    expect(c.ftp).toEqual({
      port: 2121,
      pasvPorts: { min: 30000, max: 30099 },
      pasvAddress: null,
      requireTls: false,
      maxUploadBytes: 104_857_600,
    });
    expect(c.sftp).toEqual({ port: 2222, hostKeyFile: null });
    expect(c.smtp).toEqual({
      port: 2525,
      securePort: null,
      insecureAuth: false,
      smsDomain: 'sms.localhost',
      maxMessageBytes: 1048576,
    });
    expect(c.listeners).toEqual(['http', 'ftp', 'sftp', 'smtp']);
    expect(c.database).toEqual({ type: 'sqlite', path: path.resolve('./data/gatehouse.sqlite') });
    expect(c.legacyCutoff.toISOString()).toBe('2023-06-06T00:00:00.000Z');
    expect(c.bcryptCost).toBe(12);
    expect(c.ban).toEqual({ threshold: 15, seconds: 1800, windowSeconds: 1800 });
    expect(c.rootToken).toBeNull();
    expect(c.redisUrl).toBeNull();
    expect(c.tls).toBeNull();
  });

  it('parses every kind of value', () => {
    const c = loadConfig({
      GATEHOUSE_HOST: '0.0.0.0',
      GATEHOUSE_HTTP_PORT: '9090',
      GATEHOUSE_FTP_PASV_PORTS: '40000-40010',
      GATEHOUSE_LISTENERS: 'http, smtp',
      GATEHOUSE_DATA_DIR: '/tmp/gh',
      DATABASE_URL: 'mysql://u:p@db:3306/gh',
      GATEHOUSE_SMTP_INSECURE_AUTH: 'true',
      GATEHOUSE_TRUSTED_PROXIES: '10.0.0.0/8, 192.0.2.1',
      GATEHOUSE_LEGACY_CUTOFF: '2020-01-01',
      GATEHOUSE_TLS_CERT: '/c.pem',
      GATEHOUSE_TLS_KEY: '/k.pem',
      GATEHOUSE_FTP_REQUIRE_TLS: '1',
    });
    expect(c.http.port).toBe(9090);
    expect(c.ftp.pasvPorts).toEqual({ min: 40000, max: 40010 });
    expect(c.ftp.requireTls).toBe(true);
    expect(c.listeners).toEqual(['http', 'smtp']);
    expect(c.database).toEqual({ type: 'mysql', url: 'mysql://u:p@db:3306/gh' });
    expect(c.smtp.insecureAuth).toBe(true);
    expect(c.http.trustedProxies).toEqual(['10.0.0.0/8', '192.0.2.1']);
    expect(c.legacyCutoff.toISOString()).toBe('2020-01-01T00:00:00.000Z');
    expect(c.tls).toEqual({ certFile: '/c.pem', keyFile: '/k.pem' });
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ GATEHOUSE_HTTP_PORT: '', DATABASE_URL: '' }).http.port).toBe(8080);
  });

  it.each([
    ['GATEHOUSE_HTTP_PORT', 'eighty'],
    ['GATEHOUSE_HTTP_PORT', '70000'],
    ['GATEHOUSE_HOST', 'not-an-ip'],
    ['GATEHOUSE_FTP_PASV_PORTS', '30099-30000'],
    ['GATEHOUSE_LISTENERS', 'http,gopher'],
    ['DATABASE_URL', 'postgres://x'],
    ['GATEHOUSE_SMTP_INSECURE_AUTH', 'maybe'],
    ['GATEHOUSE_LEGACY_CUTOFF', 'yesterday'],
    ['GATEHOUSE_TRUSTED_PROXIES', '10.0.0.0/8,nope'],
    ['GATEHOUSE_BCRYPT_COST', '3'],
    ['GATEHOUSE_BAN_THRESHOLD', '0'],
    ['GATEHOUSE_ROOT_TOKEN', 'short'],
    ['GATEHOUSE_PEPPER', 'short'],
    ['GATEHOUSE_LOG_FORMAT', 'xml'],
  ])('refuses %s=%s and names the variable', (name, value) => {
    const problems = problemsOf({ [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${name}: `));
  });

  it('reports every bad variable at once', () => {
    const problems = problemsOf({ GATEHOUSE_HTTP_PORT: 'x', GATEHOUSE_SMTP_PORT: 'y' });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['GATEHOUSE_HTTP_PORT', 'GATEHOUSE_SMTP_PORT']);
  });

  it('needs TLS cert and key together, and TLS before requiring it', () => {
    expect(problemsOf({ GATEHOUSE_TLS_CERT: '/c.pem' })[0]).toMatch(/GATEHOUSE_TLS_CERT/);
    expect(problemsOf({ GATEHOUSE_FTP_REQUIRE_TLS: 'true' })[0]).toMatch(/^GATEHOUSE_FTP_REQUIRE_TLS/);
    expect(problemsOf({ GATEHOUSE_SMTPS_PORT: '4650' })[0]).toMatch(/^GATEHOUSE_SMTPS_PORT: implicit TLS needs/);
  });

  it('logs as JSON or pretty as told, and decides on a terminal (never under CI) when auto', () => {
    expect(loadConfig({}).logFormat).toBe('auto');
    expect(loadConfig({ GATEHOUSE_LOG_FORMAT: 'pretty' }).logFormat).toBe('pretty');
    expect(loadConfig({ GATEHOUSE_LOG_FORMAT: 'json' }).logFormat).toBe('json');
    expect(loadConfig({ CI: 'true' }).logFormat).toBe('json');
    expect(loadConfig({ CI: 'false' }).logFormat).toBe('auto');
    expect(loadConfig({ CI: 'true', GATEHOUSE_LOG_FORMAT: 'pretty' }).logFormat).toBe('pretty');
  });

  it('reads the SMTP size limit and the implicit-TLS port', () => {
    const c = loadConfig({
      GATEHOUSE_SMTPS_PORT: '4650',
      GATEHOUSE_TLS_CERT: '/c.pem',
      GATEHOUSE_TLS_KEY: '/k.pem',
      GATEHOUSE_SMTP_MAX_MESSAGE_BYTES: '2048',
    });
    expect(c.smtp).toMatchObject({ securePort: 4650, maxMessageBytes: 2048 });
    expect(problemsOf({ GATEHOUSE_SMTP_MAX_MESSAGE_BYTES: '0' })[0]).toMatch(/^GATEHOUSE_SMTP_MAX_MESSAGE_BYTES/);
  });
});
