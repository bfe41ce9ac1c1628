import * as net from 'node:net';
import { Logger } from '@nestjs/common';
import { PassiveChannel, checkActiveTarget, parseEprtArgument, parsePortArgument } from './data-connection';

describe('PORT and EPRT arguments (CVE-2020-15152)', () => {
  it('PORT: six decimal bytes, nothing else', () => {
    expect(parsePortArgument('127,0,0,1,200,10')).toEqual({ host: '127.0.0.1', port: 51210, family: 4 });
    for (const bad of [
      null,
      '',
      '127,0,0,1,200',
      '383,0,0,1,200,10',
      '0x7f,0,0,1,1,1',
      '127,0,0,1,1,1,1',
      ' 127,0,0,1,1,1',
      '127.0.0.1,1,1',
    ]) {
      expect(parsePortArgument(bad)).toBeNull();
    }
  });

  it('EPRT: protocol 1 or 2, a strict address of that family, a port', () => {
    expect(parseEprtArgument('|1|127.0.0.1|5000|')).toEqual({ host: '127.0.0.1', port: 5000, family: 4 });
    expect(parseEprtArgument('!2!::1!5000!')).toEqual({ host: '::1', port: 5000, family: 6 });
    expect(parseEprtArgument('|2|::ffff:127.0.0.1|5000|')).toEqual({ host: '127.0.0.1', port: 5000, family: 4 });
    expect(parseEprtArgument('|3|127.0.0.1|5000|')).toBe('unsupported');
    for (const bad of [
      '|1|127.1|5000|',
      '|1|localhost|5000|',
      '|1|0177.0.0.1|5000|',
      '|1|::1|5000|',
      '|2|fe80::1%eth0|5000|',
      '|1|127.0.0.1|x|',
      '1|127.0.0.1|5000|',
      '|1|127.0.0.1|5000',
      '.1.127.0.0.1.5000.',
    ]) {
      expect({ bad, parsed: parseEprtArgument(bad) }).toEqual({ bad, parsed: null });
    }
  });

  it('a target must be the control connection’s own peer, on an unprivileged port', () => {
    expect(checkActiveTarget({ host: '127.0.0.1', port: 5000, family: 4 }, '127.0.0.1')).toBeNull();
    expect(checkActiveTarget({ host: '10.0.0.1', port: 5000, family: 4 }, '127.0.0.1')?.code).toBe(504);
    expect(checkActiveTarget({ host: '127.0.0.1', port: 25, family: 4 }, '127.0.0.1')?.code).toBe(504);
    expect(checkActiveTarget({ host: '2001:db8::1', port: 5000, family: 6 }, '2001:db8::2')?.code).toBe(504);
    expect(checkActiveTarget({ host: '2001:db8:0:0::1', port: 5000, family: 6 }, '2001:db8::1')).toBeNull();
  });
});

describe('PassiveChannel', () => {
  const logger = new Logger('test');
  beforeAll(() => jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined));

  const connect = (port: number, localAddress: string) =>
    new Promise<net.Socket>((resolve, reject) => {
      const socket = net.connect({ port, host: '127.0.0.1', localAddress }, () => resolve(socket));
      socket.on('error', reject);
    });

  it('drops a connection from another address and still takes the control peer’s own (no FXP)', async () => {
    const channel = await PassiveChannel.listen(
      '127.0.0.1',
      { min: 43000, max: 43999 },
      '127.0.0.1',
      { secureContext: null },
      logger,
    );
    try {
      const opened = channel.open(10_000);
      const intruder = await connect(channel.port, '127.0.0.2');
      await new Promise((resolve) => intruder.on('close', resolve));
      const own = await connect(channel.port, '127.0.0.1');
      const data = await opened;
      const got = new Promise<string>((resolve) => data.once('data', (d: Buffer) => resolve(d.toString())));
      data.resume(); // accepted paused, as the transfer commands expect
      own.write('hello');
      expect(await got).toBe('hello');
      own.destroy();
    } finally {
      channel.close();
    }
  });

  it('finds a free port in its range even when most of it is taken', async () => {
    const listen = (port: number) =>
      new Promise<net.Server | null>((resolve) => {
        const server = net.createServer();
        server.once('error', () => resolve(null));
        server.listen(port, '127.0.0.1', () => resolve(server));
      });
    // Ten ports of which this test holds the first nine: found at run time, since any fixed range
    // may hold another process's port (ephemeral ports of client connections among them).
    let taken: net.Server[] = [];
    let min = 0;
    for (let attempt = 0; attempt < 50 && taken.length < 9; attempt++) {
      for (const server of taken) server.close();
      taken = [];
      min = 20_000 + Math.floor(Math.random() * 10_000);
      for (let port = min; port < min + 9; port++) {
        const server = await listen(port);
        if (!server) break;
        taken.push(server);
      }
    }
    try {
      expect(taken).toHaveLength(9);
      const channel = await PassiveChannel.listen(
        '127.0.0.1',
        { min, max: min + 9 },
        '127.0.0.1',
        { secureContext: null },
        logger,
      );
      expect(channel.port).toBe(min + 9);
      channel.close();
    } finally {
      for (const server of taken) server.close();
    }
  });
});
