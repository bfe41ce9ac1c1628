import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ResolveAll } from './guarded-lookup';
import { MAX_RESPONSE_BYTES, PostbackRequest, sendPostback } from './postback.sender';

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A loopback receiver whose answer each test decides. */
async function receiver(
  answer: (req: http.IncomingMessage, res: http.ServerResponse) => void,
): Promise<{ url: string; port: number; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      answer(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    port,
    received,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const loopbackResolver: ResolveAll = (_host, _options, callback) =>
  callback(null, [{ address: '127.0.0.1', family: 4 }]);

describe('sendPostback', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((c) => c()));
  });
  const serve = async (answer: (req: http.IncomingMessage, res: http.ServerResponse) => void) => {
    const r = await receiver(answer);
    closers.push(() => r.close());
    return r;
  };
  const base = (url: string, extra: Partial<PostbackRequest> = {}): PostbackRequest => ({
    url,
    body: '{"type":"submission.accepted","data":{"body":"héllo"}}',
    headers: { 'Content-Type': 'application/json', 'Gatehouse-Event': 'submission.accepted' },
    timeoutMs: 2000,
    allowPrivate: true,
    ...extra,
  });

  it('POSTs the exact body with the given headers; 2xx is delivered', async () => {
    const r = await serve((_req, res) => res.writeHead(204).end());
    await expect(sendPostback(base(r.url))).resolves.toEqual({ delivered: true, result: '204' });
    expect(r.received).toHaveLength(1);
    expect(r.received[0]).toMatchObject({
      method: 'POST',
      url: '/hook',
      body: '{"type":"submission.accepted","data":{"body":"héllo"}}',
      headers: expect.objectContaining({
        'content-type': 'application/json',
        'gatehouse-event': 'submission.accepted',
        'content-length': String(Buffer.byteLength('{"type":"submission.accepted","data":{"body":"héllo"}}')),
      }),
    });
  });

  it('reports any other status as not delivered', async () => {
    const r = await serve((_req, res) => res.writeHead(500).end('boom'));
    await expect(sendPostback(base(r.url))).resolves.toEqual({ delivered: false, result: '500' });
  });

  it('does not follow redirects', async () => {
    const target = await serve((_req, res) => res.writeHead(200).end());
    const r = await serve((_req, res) => res.writeHead(302, { Location: target.url }).end());
    await expect(sendPostback(base(r.url))).resolves.toEqual({ delivered: false, result: '302' });
    expect(target.received).toHaveLength(0);
  });

  it('times out a receiver that never answers', async () => {
    const r = await serve(() => undefined);
    const started = Date.now();
    await expect(sendPostback(base(r.url, { timeoutMs: 150 }))).resolves.toEqual({
      delivered: false,
      result: 'timeout',
    });
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('caps the response body it reads, and keeps the status of a body that never ends', async () => {
    const big = await serve((_req, res) => {
      res.writeHead(200);
      res.end(Buffer.alloc(MAX_RESPONSE_BYTES * 4, 'x'));
    });
    await expect(sendPostback(base(big.url))).resolves.toEqual({ delivered: true, result: '200' });
    const endless = await serve((_req, res) => {
      res.writeHead(200);
      res.write('still talking');
    });
    await expect(sendPostback(base(endless.url, { timeoutMs: 200 }))).resolves.toEqual({
      delivered: true,
      result: '200',
    });
  });

  it('reports a refused connection as connect_error', async () => {
    const r = await receiver((_req, res) => res.end());
    await r.close();
    await expect(sendPostback(base(r.url))).resolves.toEqual({ delivered: false, result: 'connect_error' });
  });

  it('refuses a loopback literal unless private postbacks are allowed, without connecting', async () => {
    const r = await serve((_req, res) => res.writeHead(200).end());
    for (const url of [r.url, `http://[::ffff:127.0.0.1]:${r.port}/`, `http://2130706433:${r.port}/`]) {
      await expect(sendPostback(base(url, { allowPrivate: false }))).resolves.toEqual({
        delivered: false,
        result: 'private_address',
      });
    }
    expect(r.received).toHaveLength(0);
  });

  it('refuses a name that resolves to loopback at connect time, without connecting', async () => {
    const r = await serve((_req, res) => res.writeHead(200).end());
    const url = `http://hooks.customer.test:${r.port}/hook`;
    await expect(sendPostback(base(url, { allowPrivate: false, resolve: loopbackResolver }))).resolves.toEqual({
      delivered: false,
      result: 'private_address',
    });
    expect(r.received).toHaveLength(0);
  });

  it('reports a name that does not resolve as dns_error', async () => {
    const failing: ResolveAll = (host, _o, callback) =>
      callback(
        Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND', syscall: 'getaddrinfo' }),
        [],
      );
    await expect(
      sendPostback(base('https://hooks.customer.test/x', { allowPrivate: false, resolve: failing })),
    ).resolves.toEqual({ delivered: false, result: 'dns_error' });
  });

  it('ends an attempt when its signal aborts (shutdown) as interrupted', async () => {
    const r = await serve(() => undefined);
    const abort = new AbortController();
    const sent = sendPostback(base(r.url, { signal: abort.signal, timeoutMs: 10_000 }));
    setTimeout(() => abort.abort(), 50);
    await expect(sent).resolves.toEqual({ delivered: false, result: 'interrupted' });
  });

  it('refuses a URL it cannot send to', async () => {
    await expect(sendPostback(base('not a url'))).resolves.toEqual({ delivered: false, result: 'invalid_url' });
    await expect(sendPostback(base('ftp://example.com/'))).resolves.toEqual({
      delivered: false,
      result: 'invalid_url',
    });
  });
});
