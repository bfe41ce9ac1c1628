import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { ServerProcess, spawnServerProcess, startServerProcess } from '../support/server-process';

/**
 * The service as `npm start` runs it: main.ts in its own process. Checks the root token is
 * printed once (and only at first start), and that nothing the process writes, at trace log
 * level, ever holds a secret, a token or a password.
 */

/** The server as `npm start` runs it, logging at trace level: nothing it writes may hold a secret. */
const startServer = (dataDir: string, env: Record<string, string> = {}): Promise<ServerProcess> =>
  startServerProcess({ GATEHOUSE_DATA_DIR: dataDir, GATEHOUSE_LOG_LEVEL: 'trace', ...env });

/** SIGTERM: the app closes (flushing logs) and the process exits 0. */
const stopServer = (server: ServerProcess): Promise<string> => server.stop();

/** Sends each line to a text protocol's port after its greeting, reading a reply to each; resolves when it closes. */
async function talk(port: number, lines: string[]): Promise<string> {
  const socket = net.connect({ port, host: '127.0.0.1' });
  let received = '';
  let replies = 0;
  socket.setEncoding('utf8');
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.on('error', () => undefined);
  const waitForReply = async (count: number) => {
    const deadline = Date.now() + 20_000;
    while (replies < count && Date.now() < deadline && !socket.destroyed) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  // A reply ends with a line `NNN text` (not `NNN-text`); count those.
  socket.on('data', (chunk: string) => {
    received += chunk;
    replies = received.split('\r\n').filter((l) => /^\d{3} /.test(l)).length;
  });
  await waitForReply(1);
  for (const [i, line] of lines.entries()) {
    socket.write(`${line}\r\n`);
    await waitForReply(i + 2);
  }
  socket.end();
  await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
  socket.destroy();
  return received;
}

describe('the server process (main.ts)', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-process-'));
  let first: ServerProcess;

  afterAll(async () => {
    if (first) await stopServer(first);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints the root token once, never logs a secret, and keeps the token across restarts', async () => {
    first = await startServer(dataDir);
    const banner = /Root token \(shown once, store it now\):\s+(gkroot_[0-9A-Za-z]{60})/.exec(first.output());
    expect(banner).not.toBeNull();
    const rootToken = banner![1];
    const admin = { Authorization: `Bearer ${rootToken}`, 'Content-Type': 'application/json' };
    const call = async (method: string, url: string, body?: unknown) => {
      const res = await fetch(first.baseUrl + url, {
        method,
        headers: admin,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as any };
    };

    const account = await call('POST', '/admin/v1/accounts', {
      name: 'process test',
      createdAt: '2020-01-01T00:00:00Z',
    });
    expect(account.status).toBe(201);
    const legacySecrets: string[] = account.body.credentials.map((c: { secret: string }) => c.secret);
    expect(legacySecrets).toHaveLength(4);
    const custom = await call('POST', `/admin/v1/accounts/${account.body.account.id}/credentials`, {
      channel: 'ftp',
      name: 'custom',
      username: 'process-user',
      secret: 'a-password-nobody-may-log',
    });
    expect(custom.status).toBe(201);
    const rotated = await call('POST', `/admin/v1/credentials/${custom.body.credential.id}/rotate`, {});
    expect(rotated.status).toBe(200);
    const token = await call('POST', `/admin/v1/accounts/${account.body.account.id}/admin-tokens`, { name: 't' });
    expect(token.status).toBe(201);

    // Right and wrong secrets, a failing request carrying a secret, and a bad bearer token.
    await expect(
      call('POST', '/admin/v1/verify', {
        channel: 'ftp',
        username: 'process-user',
        secret: rotated.body.secret,
        ip: '192.0.2.1',
      }),
    ).resolves.toMatchObject({ status: 200, body: { valid: true } });
    await call('POST', '/admin/v1/verify', {
      channel: 'ftp',
      username: 'process-user',
      secret: 'a-password-nobody-may-log',
      ip: '192.0.2.1',
    });
    await call('POST', '/admin/v1/verify', { channel: 'ftp', secret: legacySecrets[0], ip: 'not-an-ip' });
    const badBearer = await fetch(first.baseUrl + '/admin/v1/accounts', {
      headers: { Authorization: `Bearer ${token.body.token}x` },
    });
    expect(badBearer.status).toBe(401);

    expect(await stopServer(first)).toBe('0'); // SIGTERM: a clean stop, exit 0 (DESIGN.md §5)
    const output = first.output();
    const secrets = [
      ...legacySecrets,
      'a-password-nobody-may-log',
      rotated.body.secret as string,
      custom.body.postbackSigningSecret as string,
      token.body.token as string,
    ];
    for (const secret of secrets) expect(output).not.toContain(secret);
    // The root token appears exactly once: in the banner.
    expect(output.split(rootToken)).toHaveLength(2);
    // Trace level really logged requests, so the check above had something to look at.
    expect(output).toMatch(/"path":"\/admin\/v1\/verify"/);

    const second = await startServer(dataDir);
    try {
      expect(second.output()).not.toMatch(/Root token/);
      const res = await fetch(second.baseUrl + '/admin/v1/accounts?limit=1', { headers: admin });
      expect(res.status).toBe(200);
    } finally {
      expect(await stopServer(second)).toBe('0');
    }
  }, 60_000);

  it('logs JSON with a request id and a session id, and no credential any channel was given', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-redact-'));
    const rootToken = `root-${'r'.repeat(8)}-${Date.now()}-redaction-test`;
    const server = await startServer(dataDir, {
      GATEHOUSE_ROOT_TOKEN: rootToken,
      GATEHOUSE_FTP_PORT: '0',
      GATEHOUSE_SFTP_PORT: '0',
      GATEHOUSE_SMTP_PORT: '0',
    });
    try {
      const admin = { Authorization: `Bearer ${rootToken}`, 'Content-Type': 'application/json' };
      const post = async (url: string, body: unknown) =>
        (await fetch(server.baseUrl + url, { method: 'POST', headers: admin, body: JSON.stringify(body) })).json();
      const account = (await post('/admin/v1/accounts', { name: 'redaction', createdAt: '2020-01-01T00:00:00Z' })) as {
        account: { id: string };
        credentials: { credential: { channel: string; username: string }; secret: string }[];
      };
      const legacy = (channel: string) => account.credentials.find((c) => c.credential.channel === channel)!;
      const rest = (await post(`/admin/v1/accounts/${account.account.id}/credentials`, {
        channel: 'rest',
        name: 'rest',
      })) as { credential: { username: string }; secret: string };
      const [http, soap, ftp] = [legacy('http'), legacy('webservice'), legacy('ftp')];
      // Secret-shaped and password-shaped guesses that are nobody's: refused, and never logged either.
      const wrongKey = `gkr_${'Wr0ngKeyNobodyHas'.repeat(4)}`.slice(0, 64);
      const wrongPassword = 'Wrong-Password-Nobody-Has-42';

      const send = async (url: string, init: RequestInit) => {
        const res = await fetch(server.baseUrl + url, init);
        return `${res.status} ${await res.text()}`;
      };
      const json = { 'Content-Type': 'application/json' };
      const message = JSON.stringify({ to: ['+447700900123'], body: 'hello' });
      const answers: string[] = [];
      answers.push(
        await send('/rest/v1/messages', {
          method: 'POST',
          headers: { ...json, Authorization: `Bearer ${rest.secret}` },
          body: message,
        }),
      );
      answers.push(
        await send('/rest/v1/messages', {
          method: 'POST',
          headers: { ...json, Authorization: `Bearer ${wrongKey}` },
          body: message,
        }),
      );
      const basic = Buffer.from(`${rest.credential.username}:${rest.secret}`).toString('base64');
      answers.push(
        await send('/rest/v1/messages', {
          method: 'POST',
          headers: { ...json, Authorization: `Basic ${basic}` },
          body: '{"to": [',
        }),
      );
      const form = (password: string) =>
        new URLSearchParams({
          username: http.credential.username,
          password,
          to: '447700900123',
          text: 'hi',
        }).toString();
      answers.push(await send(`/http/send?${form(http.secret)}`, { method: 'GET' }));
      for (const password of [http.secret, wrongPassword]) {
        answers.push(
          await send('/http/send', {
            method: 'POST',
            headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
            body: form(password),
          }),
        );
      }
      const envelope = (password: string) =>
        '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:m="urn:gatehouse:messaging:v1">' +
        `<soap:Body><m:SendMessage><m:username>${soap.credential.username}</m:username><m:password>${password}</m:password>` +
        '<m:to>+447700900123</m:to><m:body>hello</m:body></m:SendMessage></soap:Body></soap:Envelope>';
      for (const password of [soap.secret, wrongPassword]) {
        answers.push(
          await send('/ws/messaging', {
            method: 'POST',
            headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: '""' },
            body: envelope(password),
          }),
        );
      }
      // Each reached its channel: accepted with the right secret, refused with a wrong one.
      expect(answers.map((a) => a.slice(0, 6))).toEqual([
        '202 {"',
        '401 {"',
        '400 {"',
        '200 OK',
        '200 OK',
        '401 ER',
        '200 <?',
        '500 <?',
      ]);
      expect(answers[6]).toContain('submissionId');
      expect(answers[7]).toContain('invalid_credentials');
      // FTP's USER/PASS travel on a socket of their own; SMTP only connects (no TLS here, so no AUTH).
      const portOf = (listener: string) =>
        Number(new RegExp(`\\b${listener} 127\\.0\\.0\\.1:(\\d+)`).exec(server.output())![1]);
      const ftpSession = await talk(portOf('ftp'), [
        `USER ${ftp.credential.username}`,
        `PASS ${wrongPassword}`,
        `USER ${ftp.credential.username}`,
        `PASS ${ftp.secret}`,
        'QUIT',
      ]);
      expect(ftpSession).toMatch(/^530 /m);
      expect(ftpSession).toMatch(/^230 /m);
      await talk(portOf('smtp'), ['QUIT']);

      expect(await stopServer(server)).toBe('0');
      const output = server.output();
      for (const secret of [
        rest.secret,
        http.secret,
        soap.secret,
        ftp.secret,
        wrongKey,
        wrongPassword,
        basic,
        rootToken,
      ]) {
        expect(output).not.toContain(secret);
      }
      expect(output).not.toContain(encodeURIComponent(http.secret));
      const lines = output
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      // Every request's access-log line has its id; ids differ.
      const access = lines.filter((l) => l.context === 'AccessLog');
      expect(access.length).toBeGreaterThanOrEqual(9);
      expect(access.every((l) => typeof l.reqId === 'string' && /^[0-9a-f]{6}-[0-9a-z]+$/.test(l.reqId))).toBe(true);
      expect(new Set(access.map((l) => l.reqId)).size).toBe(access.length);
      expect(access.map((l) => l.path)).toEqual(
        expect.arrayContaining(['/rest/v1/messages', '/http/send', '/ws/messaging']),
      );
      // Socket sessions: their lines carry a session id.
      for (const what of ['FTP connection from', 'SMTP connection from']) {
        const line = lines.find((l) => typeof l.msg === 'string' && l.msg.startsWith(what));
        expect(line).toMatchObject({ session: expect.stringMatching(/^[A-Za-z0-9_-]{8,}$/) });
      }
    } finally {
      await stopServer(server);
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);

  it('a node whose pepper differs from the one the database started with refuses to start (exit 78)', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-pepper-'));
    try {
      const first = await startServer(dataDir, { GATEHOUSE_PEPPER: 'a'.repeat(40) });
      expect(await stopServer(first)).toBe('0');
      const again = await startServer(dataDir, { GATEHOUSE_PEPPER: 'a'.repeat(40) });
      expect(await stopServer(again)).toBe('0');

      const other = spawnServerProcess({ GATEHOUSE_DATA_DIR: dataDir, GATEHOUSE_PEPPER: 'b'.repeat(40) });
      const code = await other.exited;
      const output = other.output();
      expect(code).toBe('78');
      expect(output).toMatch(/GATEHOUSE_PEPPER differs from the pepper this database was first started with/);
      expect(output).not.toContain('b'.repeat(40));
      expect(output).not.toMatch(/Gatehouse is up/);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
