import type { SFTPWrapper } from 'ssh2';
import { InboundFlow } from './ssh2-internals';

/**
 * InboundFlow against a stand-in with the fields ssh2 1.17's SFTP channel has (push, incoming,
 * outgoing, _waitChanDrain, _buffer, _client._protocol.channelWindowAdjust). The listener's
 * e2e suite runs it against the real thing (large pipelined transfers).
 */
function channel(onPush: () => void = () => undefined) {
  const received: Array<Buffer | null> = [];
  const adjustments: Array<[number, number]> = [];
  const fake = {
    push: (data: Buffer | null): undefined => {
      received.push(data);
      onPush();
      return undefined;
    },
    incoming: { window: 2 * 1024 * 1024 },
    outgoing: { id: 7, state: 'open' },
    _waitChanDrain: false,
    _buffer: [] as Buffer[],
    _client: {
      _protocol: { channelWindowAdjust: (id: number, amount: number) => adjustments.push([id, amount]) },
    },
  };
  /** What ssh2's server does with a CHANNEL_DATA (lib/server.js): push, then maybe reopen the window. */
  const deliver = (data: Buffer | null): void => {
    if (data !== null) fake.incoming.window -= data.length;
    if (fake.push(data) === false) fake._waitChanDrain = true;
  };
  return { fake, received, adjustments, deliver, sftp: fake as unknown as SFTPWrapper };
}

describe('InboundFlow', () => {
  afterEach(() => jest.useRealTimers());

  it('passes data straight through while the session keeps up', () => {
    const { sftp, received, deliver, adjustments } = channel();
    new InboundFlow(sftp, () => false);
    deliver(Buffer.from('a'));
    deliver(Buffer.from('b'));
    expect(received.map(String)).toEqual(['a', 'b']);
    expect(adjustments).toEqual([]);
  });

  it('holds data and the window while overloaded, then delivers it in order and reopens the window', () => {
    const { fake, sftp, received, deliver, adjustments } = channel();
    let overloaded = false;
    const flow = new InboundFlow(sftp, () => overloaded);

    deliver(Buffer.from('first'));
    overloaded = true; // the first chunk's requests filled the session up
    deliver(Buffer.from('second'));
    deliver(Buffer.from('third'));
    expect(received.map(String)).toEqual(['first']);
    expect(fake._waitChanDrain).toBe(true);

    flow.poke(); // work finished, but the session is still loaded
    expect(received.map(String)).toEqual(['first']);

    overloaded = false;
    flow.poke();
    expect(received.map(String)).toEqual(['first', 'second', 'third']);
    expect(fake._waitChanDrain).toBe(false);
    expect(adjustments).toEqual([[7, 'firstsecondthird'.length]]);
    expect(fake.incoming.window).toBe(2 * 1024 * 1024);
  });

  it('at the client’s EOF, delivers what it holds and the EOF at once: nothing more is coming', () => {
    const { sftp, received, deliver } = channel();
    const flow = new InboundFlow(sftp, () => true);
    deliver(Buffer.from('held'));
    expect(received).toEqual([]);
    deliver(null);
    expect(received.map((d) => (d === null ? 'EOF' : String(d)))).toEqual(['held', 'EOF']);
    flow.stop();
  });

  it('stops taking data at the chunk that overloads it', () => {
    let overloaded = false;
    // Parsing a chunk full of WRITE requests is what loads the session.
    const { sftp, received, deliver, fake } = channel(() => (overloaded = true));
    const flow = new InboundFlow(sftp, () => overloaded);
    deliver(Buffer.from('heavy'));
    expect(fake._waitChanDrain).toBe(true);
    deliver(Buffer.from('next'));
    expect(received.map(String)).toEqual(['heavy']);
    overloaded = false;
    flow.poke();
    expect(received.map(String)).toEqual(['heavy', 'next']);
    flow.stop();
  });

  it('looks again by itself while held: the client draining answers raises no event', () => {
    jest.useFakeTimers();
    const { sftp, received, deliver } = channel();
    let overloaded = true;
    const resumes: number[] = [];
    new InboundFlow(
      sftp,
      () => overloaded,
      () => resumes.push(Date.now()),
    );
    deliver(Buffer.from('held'));
    expect(received).toEqual([]);
    jest.advanceTimersByTime(100);
    expect(resumes.length).toBeGreaterThan(0); // the owner got to start its queued requests
    expect(received).toEqual([]);
    overloaded = false;
    jest.advanceTimersByTime(100);
    expect(received.map(String)).toEqual(['held']);
    const looks = resumes.length;
    jest.advanceTimersByTime(1000);
    expect(resumes.length).toBe(looks); // and stops looking once it runs freely
  });

  it('leaves a channel of unknown shape alone', () => {
    const push = jest.fn(() => undefined);
    const odd = { push } as unknown as SFTPWrapper;
    new InboundFlow(odd, () => true);
    expect((odd as unknown as { push: unknown }).push).toBe(push);
  });
});
