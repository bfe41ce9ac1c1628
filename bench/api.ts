/** The few admin and channel calls the bench makes, over plain HTTP (fetch): no server code. */
export class AdminClient {
  constructor(
    readonly url: string,
    private readonly rootToken: string,
  ) {}

  async post(path: string, body: unknown, expect = [200, 201]): Promise<any> {
    const res = await fetch(this.url + path, {
      method: 'POST',
      headers: { Authorization: `Bearer ${this.rootToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (!expect.includes(res.status)) throw new Error(`POST ${path}: ${res.status} ${text}`);
    return JSON.parse(text);
  }

  async createAccount(name: string): Promise<string> {
    return (await this.post('/admin/v1/accounts', { name })).account.id as string;
  }

  /** Returns the secret shown once (for a `secretHash` import: undefined). */
  async createCredential(accountId: string, body: Record<string, unknown>): Promise<string | undefined> {
    return (await this.post(`/admin/v1/accounts/${accountId}/credentials`, body)).secret as string | undefined;
  }
}

/** GET that must answer `expectStatus`; returns the body. */
export async function expectGet(url: string, headers: Record<string, string>, expectStatus = 200): Promise<string> {
  const res = await fetch(url, { headers });
  const text = await res.text();
  if (res.status !== expectStatus) throw new Error(`GET ${url}: expected ${expectStatus}, got ${res.status} ${text}`);
  return text;
}

/** Runs `fn` over `items` with at most `size` calls in flight; results in input order. */
export async function inPool<T, R>(items: T[], size: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
  return results;
}
