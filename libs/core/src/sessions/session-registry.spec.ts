import { ConsoleLogger, Logger } from '@nestjs/common';
import { InProcessChangeNotifier } from '@gatehouse/coordination';
import { ChannelSession, SessionEndReason, SessionRegistry } from './session-registry';

function session(credentialId: string): ChannelSession & { closed: SessionEndReason[] } {
  const closed: SessionEndReason[] = [];
  return { credentialId, channel: 'ftp', closed, close: (reason) => void closed.push(reason) };
}

describe('SessionRegistry', () => {
  // Failing closes are logged as warnings; not wanted in test output.
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(new ConsoleLogger()));

  const setup = () => {
    const notifier = new InProcessChangeNotifier();
    return { notifier, registry: new SessionRegistry(notifier) };
  };

  it('ends the sessions of a blocked, rotated or deleted credential, and only those', async () => {
    const { notifier, registry } = setup();
    const [a1, a2, b] = [session('a'), session('a'), session('b')];
    for (const s of [a1, a2, b]) registry.register(s);
    await notifier.publish({
      type: 'credential.changed',
      credentialId: 'a',
      endSessions: true,
      reason: 'credential_rotated',
    });
    expect(a1.closed).toEqual(['credential_rotated']);
    expect(a2.closed).toEqual(['credential_rotated']);
    expect(b.closed).toEqual([]);
    expect(registry.count('a')).toBe(0);
    expect(registry.count()).toBe(1);
  });

  it('counts open sessions by channel (the gatehouse_sessions gauge), ended and closed ones gone', async () => {
    const { notifier, registry } = setup();
    const mail = { ...session('m'), channel: 'email' as const };
    const [a, b] = [session('a'), session('b')];
    const unregister = [a, b, mail].map((s) => registry.register(s));
    expect(registry.countByChannel()).toEqual(
      new Map([
        ['ftp', 2],
        ['email', 1],
      ]),
    );
    await notifier.publish({ type: 'credential.changed', credentialId: 'a', endSessions: true });
    unregister[0](); // the ended session's own goodbye: counted once only
    unregister[2]();
    expect(registry.countByChannel()).toEqual(new Map([['ftp', 1]]));
    unregister[1]();
    expect(registry.countByChannel()).toEqual(new Map());
  });

  it('a change that ends nothing (rename, rotation with grace) leaves sessions open', async () => {
    const { notifier, registry } = setup();
    const a = session('a');
    registry.register(a);
    await notifier.publish({ type: 'credential.changed', credentialId: 'a', endSessions: false });
    await notifier.publish({ type: 'group.changed', groupId: 'g', credentialIds: ['a'], endSessions: false });
    expect(a.closed).toEqual([]);
    expect(registry.count('a')).toBe(1);
  });

  it('an account change ends the sessions of every credential it lists', async () => {
    const { notifier, registry } = setup();
    const [a, b, c] = [session('a'), session('b'), session('c')];
    for (const s of [a, b, c]) registry.register(s);
    await notifier.publish({
      type: 'account.changed',
      accountId: 'acct',
      credentialIds: ['a', 'b'],
      endSessions: true,
      reason: 'account_suspended',
    });
    expect([a.closed, b.closed, c.closed]).toEqual([['account_suspended'], ['account_suspended'], []]);
  });

  it('an unregistered session is not closed; a failing close does not stop the others', async () => {
    const { notifier, registry } = setup();
    const gone = session('a');
    registry.register(gone)();
    const failing: ChannelSession = {
      credentialId: 'a',
      channel: 'email',
      close: () => {
        throw new Error('socket already gone');
      },
    };
    const rejecting: ChannelSession = {
      credentialId: 'a',
      channel: 'ftp',
      close: () => Promise.reject(new Error('x')),
    };
    const ok = session('a');
    for (const s of [failing, rejecting, ok]) registry.register(s);
    await notifier.publish({
      type: 'credential.changed',
      credentialId: 'a',
      endSessions: true,
      reason: 'credential_blocked',
    });
    expect(gone.closed).toEqual([]);
    expect(ok.closed).toEqual(['credential_blocked']);
  });

  it('endAll closes everything (shutdown)', () => {
    const { registry } = setup();
    const [a, b] = [session('a'), session('b')];
    registry.register(a);
    registry.register(b);
    registry.endAll('shutdown');
    expect([a.closed, b.closed]).toEqual([['shutdown'], ['shutdown']]);
    expect(registry.count()).toBe(0);
  });
});
