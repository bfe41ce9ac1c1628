import { loadConfig } from '@gatehouse/config';
import { AccountRepository } from '../accounts/account.repository';
import { UnitOfWork } from '../common/unit-of-work';
import { AuditLogService } from '../logs/audit-log.service';
import { SecretHasher } from '../secrets/secret-hasher';
import { AdminTokenRepository, SettingsRepository } from './admin-token.repository';
import { AdminTokenService, ROOT_DIGEST_REFRESH_MS, rotateStoredRootToken } from './admin-token.service';

const PEPPER = 'admin-token-service-spec-pepper-0123456789';

/** The settings table of one database, shared by the "nodes" of a test; counts the reads. */
function settingsTable() {
  const rows = new Map<string, string>();
  const reads = { count: 0 };
  const repo: SettingsRepository = {
    get: (key) => {
      reads.count++;
      return Promise.resolve(rows.get(key) ?? null);
    },
    insertIfAbsent: (key, value) => {
      if (rows.has(key)) return Promise.resolve(false);
      rows.set(key, value);
      return Promise.resolve(true);
    },
    set: (key, value) => {
      rows.set(key, value);
      return Promise.resolve();
    },
  };
  return { repo, reads };
}

function node(settings: SettingsRepository, env: Record<string, string> = {}) {
  const hasher = new SecretHasher(PEPPER, 4);
  const tokens = { findByLookupKey: jest.fn().mockResolvedValue(null) };
  const service = new AdminTokenService(
    tokens as unknown as AdminTokenRepository,
    {} as AccountRepository,
    settings,
    {} as UnitOfWork,
    hasher,
    loadConfig({ GATEHOUSE_DATA_DIR: '/tmp', GATEHOUSE_BCRYPT_COST: '4', ...env }),
    {} as AuditLogService,
  );
  return { service, hasher, tokens };
}

describe('AdminTokenService — the root token stored in the database', () => {
  let now: number;
  beforeEach(() => {
    now = Date.parse('2025-01-01T00:00:00Z');
    jest.spyOn(Date, 'now').mockImplementation(() => now);
  });
  afterEach(() => jest.restoreAllMocks());

  it('follows a rotation made elsewhere within ROOT_DIGEST_REFRESH_MS, reading the row at most once per interval', async () => {
    const table = settingsTable();
    const a = node(table.repo);
    const { generated } = await a.service.initRootToken();
    const oldToken = generated!;
    expect(oldToken).toMatch(/^gkroot_[0-9A-Za-z]{60}$/);
    await expect(a.service.authenticate(oldToken)).resolves.toEqual({ type: 'root' });

    // `gatehouse root-token rotate` on the same database (same pepper).
    const newToken = await rotateStoredRootToken(table.repo, node(table.repo).hasher);
    expect(newToken).toMatch(/^gkroot_[0-9A-Za-z]{60}$/);
    expect(newToken).not.toBe(oldToken);
    const readsAfterRotate = table.reads.count;

    // Inside the interval the node still knows the old digest, and does not read the row per request.
    now += ROOT_DIGEST_REFRESH_MS - 1;
    for (let i = 0; i < 20; i++) await expect(a.service.authenticate(newToken)).resolves.toBeNull();
    await expect(a.service.authenticate(oldToken)).resolves.toEqual({ type: 'root' });
    expect(table.reads.count).toBe(readsAfterRotate);

    // Past it: one read, shared by concurrent requests; the new token is root, the old one is not.
    now += 1;
    const results = await Promise.all([
      a.service.authenticate(newToken),
      a.service.authenticate(oldToken),
      a.service.authenticate('gkroot_wrong'),
    ]);
    expect(results).toEqual([{ type: 'root' }, null, null]);
    expect(table.reads.count).toBe(readsAfterRotate + 1);

    // Failed requests after the refresh cost no read until the next interval.
    for (let i = 0; i < 20; i++) await a.service.authenticate(oldToken);
    expect(table.reads.count).toBe(readsAfterRotate + 1);
    now += ROOT_DIGEST_REFRESH_MS;
    await expect(a.service.authenticate(newToken)).resolves.toEqual({ type: 'root' });
    expect(table.reads.count).toBe(readsAfterRotate + 2);
  });

  it('keeps the digest it had when the re-read fails, and tries again an interval later', async () => {
    const table = settingsTable();
    const a = node(table.repo);
    const token = (await a.service.initRootToken()).generated!;
    const get = jest.spyOn(table.repo, 'get').mockRejectedValueOnce(new Error('connection lost'));
    now += ROOT_DIGEST_REFRESH_MS;
    await expect(a.service.authenticate(token)).resolves.toEqual({ type: 'root' });
    await expect(a.service.authenticate(token)).resolves.toEqual({ type: 'root' });
    expect(get).toHaveBeenCalledTimes(1);
    now += ROOT_DIGEST_REFRESH_MS;
    await expect(a.service.authenticate(token)).resolves.toEqual({ type: 'root' });
    expect(get).toHaveBeenCalledTimes(2);
  });

  it('never reads the settings row when GATEHOUSE_ROOT_TOKEN gives the token', async () => {
    const table = settingsTable();
    const envToken = 'env-root-token-0123456789abcdef';
    const a = node(table.repo, { GATEHOUSE_ROOT_TOKEN: envToken });
    await expect(a.service.initRootToken()).resolves.toEqual({ generated: null });
    await rotateStoredRootToken(table.repo, a.hasher); // a stored token does not override the env's
    for (let i = 0; i < 3; i++) {
      now += ROOT_DIGEST_REFRESH_MS;
      await expect(a.service.authenticate(envToken)).resolves.toEqual({ type: 'root' });
      await expect(a.service.authenticate('gkroot_guess')).resolves.toBeNull();
    }
    expect(table.reads.count).toBe(0);
  });
});
