import * as net from 'node:net';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { connectionOf, connectionsOf, hideAuthBeforeTls, indexConnections } from './smtp-server-internals';

/** Pins what smtp-server-internals.ts relies on in smtp-server's untyped inside. */
describe('smtp-server internals', () => {
  let server: SMTPServer;
  let port: number;
  const sessions: SMTPServerSession[] = [];

  beforeAll(async () => {
    server = new SMTPServer({
      logger: false,
      disableReverseLookup: true,
      onConnect: (session, callback) => {
        sessions.push(session);
        callback();
      },
    });
    indexConnections(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.server.address() as net.AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  function connect(): Promise<{ socket: net.Socket; received: () => string }> {
    return new Promise((resolve) => {
      let text = '';
      const socket = net.connect(port, '127.0.0.1');
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => {
        text += chunk;
        if (text.startsWith('220')) resolve({ socket, received: () => text });
      });
    });
  }

  const until = async (check: () => boolean) => {
    const deadline = Date.now() + 10_000;
    while (!check() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    return check();
  };

  it('finds a session’s connection; its 421 is written and closes the connection', async () => {
    const { socket, received } = await connect();
    const connection = connectionOf(server, sessions.at(-1)!);
    expect(connection).not.toBeNull();
    expect(connectionsOf(server)).toContain(connection);
    let closed = false;
    socket.on('close', () => (closed = true));
    connection!.send(421, '4.7.0 Session ended: test.');
    expect(await until(() => closed)).toBe(true);
    expect(received()).toMatch(/\r\n421 4\.7\.0 Session ended: test\.\r\n$/);
    // Gone from the index once closed.
    expect(await until(() => connectionOf(server, sessions.at(-1)!) === null)).toBe(true);
  });

  it('leaves AUTH out of the EHLO reply of an unencrypted connection', async () => {
    const { socket, received } = await connect();
    const connection = connectionOf(server, sessions.at(-1)!)!;
    expect(connection.secure).toBe(false);
    hideAuthBeforeTls(connection);
    socket.write('EHLO client.example\r\n');
    expect(await until(() => /\r\n250 [^\r]*\r\n$/.test(received()))).toBe(true);
    expect(received()).toMatch(/250-PIPELINING/);
    expect(received()).not.toMatch(/AUTH/);
    socket.destroy();
  });
});
