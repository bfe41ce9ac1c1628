import type { LookupAddress, LookupOptions } from 'node:dns';
import { PrivateAddressError, ResolveAll, guardedLookup } from './guarded-lookup';

/** A resolver that answers from a table, and remembers whom it was asked about. */
function fakeResolver(table: Record<string, string[]>): ResolveAll & { asked: string[] } {
  const asked: string[] = [];
  const resolve: ResolveAll = (hostname, _options, callback) => {
    asked.push(hostname);
    const addresses = table[hostname];
    if (!addresses) {
      callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), []);
      return;
    }
    callback(
      null,
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    );
  };
  return Object.assign(resolve, { asked });
}

interface LookupResult {
  err: NodeJS.ErrnoException | null;
  address: string | LookupAddress[];
  family?: number;
}

function lookup(resolve: ResolveAll, hostname: string, options: LookupOptions = {}): Promise<LookupResult> {
  return new Promise((done) =>
    guardedLookup(resolve)(hostname, options, (err, address, family) => done({ err, address, family })),
  );
}

describe('guardedLookup', () => {
  const resolver = fakeResolver({
    'loopback.example': ['127.0.0.1'],
    'loopback6.example': ['::1'],
    'private.example': ['10.1.2.3'],
    'cgnat.example': ['100.64.0.1'],
    'metadata.example': ['169.254.169.254'],
    'unspecified.example': ['0.0.0.0'],
    'mapped.example': ['::ffff:127.0.0.1'],
    'mapped-hex.example': ['::ffff:7f00:1'],
    'compat.example': ['::127.0.0.1'],
    'ula.example': ['fd12:3456:789a::1'],
    'linklocal6.example': ['fe80::1'],
    'nat64.example': ['64:ff9b::7f00:1'],
    'zone.example': ['fe80::1%eth0'],
    'mixed.example': ['93.184.216.34', '192.168.1.10'],
    'mixed6.example': ['2606:2800:220:1:248:1893:25c8:1946', '::1'],
    'public.example': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'],
    'empty.example': [],
  });

  it.each([
    'loopback.example',
    'loopback6.example',
    'private.example',
    'cgnat.example',
    'metadata.example',
    'unspecified.example',
    'mapped.example',
    'mapped-hex.example',
    'compat.example',
    'ula.example',
    'linklocal6.example',
    'nat64.example',
    'zone.example',
  ])('refuses %s (resolves to a non-public address)', async (host) => {
    const { err } = await lookup(resolver, host);
    expect(err).toBeInstanceOf(PrivateAddressError);
    expect(err?.code).toBe('private_address');
  });

  it.each(['mixed.example', 'mixed6.example'])(
    'refuses %s: one private address among public ones is enough',
    async (host) => {
      const { err } = await lookup(resolver, host, { all: true });
      expect(err).toBeInstanceOf(PrivateAddressError);
    },
  );

  it.each(['localhost', 'LOCALHOST.', 'api.localhost', 'printer.local', 'db.internal', '127.0.0.1', '[::1]'])(
    'refuses the name %s without resolving it',
    async (host) => {
      const asking = fakeResolver({ [host]: ['93.184.216.34'] });
      const { err } = await lookup(asking, host);
      expect(err).toBeInstanceOf(PrivateAddressError);
      expect(asking.asked).toEqual([]);
    },
  );

  it('passes public addresses through, as one address or as the list the caller asked for', async () => {
    await expect(lookup(resolver, 'public.example')).resolves.toEqual({
      err: null,
      address: '93.184.216.34',
      family: 4,
    });
    await expect(lookup(resolver, 'public.example', { all: true })).resolves.toEqual({
      err: null,
      address: [
        { address: '93.184.216.34', family: 4 },
        { address: '2606:2800:220:1:248:1893:25c8:1946', family: 6 },
      ],
      family: undefined,
    });
  });

  it('passes resolver failures through, and treats no address as not found', async () => {
    const missing = await lookup(resolver, 'nowhere.example');
    expect(missing.err?.code).toBe('ENOTFOUND');
    expect(missing.err).not.toBeInstanceOf(PrivateAddressError);
    const empty = await lookup(resolver, 'empty.example', { all: true });
    expect(empty.err?.code).toBe('ENOTFOUND');
    expect(empty.address).toEqual([]);
  });

  it('always asks the resolver for every address, keeping the family the socket wants', async () => {
    const seen: unknown[] = [];
    const spy: ResolveAll = (hostname, options, callback) => {
      seen.push(options);
      resolver(hostname, options, callback);
    };
    await lookup(spy, 'public.example', { family: 4 });
    expect(seen).toEqual([{ family: 4, all: true }]);
  });
});
