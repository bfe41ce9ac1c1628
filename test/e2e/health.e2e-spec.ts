import { TestApp, startTestApp } from '../support/test-app';

describe('ops endpoints', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('GET /health reports the database', async () => {
    const res = await t.http.get('/health').expect(200);
    expect(res.body).toEqual({ status: 'ok', database: 'ok' });
  });

  it('GET /metrics speaks Prometheus text', async () => {
    await t.http.get('/health').expect(200);
    const res = await t.http.get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toMatch(/gatehouse_http_requests_total\{route="health",status="200"\} \d+/);
  });

  it('unknown routes are 404 in the error shape, not HTML', async () => {
    const res = await t.http.get('/nope').expect(404);
    expect(res.body.error.code).toBe('not_found');
  });
});
