import { Writable } from 'node:stream';
import { ConsoleLogger, Logger } from '@nestjs/common';
import { loadConfig } from '@gatehouse/config';
import { PinoLoggerService, SessionLogger, createPino, newSessionId } from './logging';

/** A pino destination that keeps what it is given. */
function capture(): { stream: Writable; text: () => string; lines: () => Record<string, unknown>[] } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return {
    stream,
    text: () => text,
    lines: () =>
      text
        .split('\n')
        .filter((l) => l.length > 0)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

const config = (env: Record<string, string> = {}) =>
  loadConfig({ GATEHOUSE_LOG_LEVEL: 'trace', GATEHOUSE_LOG_FORMAT: 'json', ...env });

describe('logging', () => {
  afterEach(() => Logger.overrideLogger(new ConsoleLogger()));

  it('redacts credentials wherever the usual keys hold them, at every level', () => {
    const out = capture();
    const pino = createPino(config(), out.stream);
    pino.trace(
      {
        headers: { authorization: 'Bearer gkr_TopSecretKey0001', cookie: 'sid=TopSecretCookie0002' },
        req: { headers: { authorization: 'Basic VG9wU2VjcmV0QmFzaWMwMDAz', 'proxy-authorization': 'x' } },
        password: 'TopSecretPassword0004',
        body: { password: 'TopSecretPassword0005', secret: 'TopSecretSecret0006', token: 'TopSecretToken0007' },
        err: { parameters: ['TopSecretParam0008'] },
      },
      'a request',
    );
    const text = out.text();
    expect(text).toContain('a request');
    expect(text).toContain('[redacted]');
    expect(text).not.toMatch(/TopSecret/);
  });

  it('writes one JSON object a line, with the service name and the context', () => {
    const out = capture();
    const logger = new PinoLoggerService(createPino(config(), out.stream));
    logger.warn('disk is slow', 'BatchFiles');
    logger.error({ errorId: 'e1', reqId: 'ab12cd-3', err: new Error('boom') }, 'unhandled error', 'ApiExceptionFilter');
    const [warn, error] = out.lines();
    expect(warn).toMatchObject({ level: 40, service: 'gatehouse', context: 'BatchFiles', msg: 'disk is slow' });
    expect(error).toMatchObject({
      level: 50,
      context: 'ApiExceptionFilter',
      reqId: 'ab12cd-3',
      msg: 'unhandled error',
    });
    expect((error.err as { stack: string }).stack).toMatch(/boom/);
  });

  it("a session's logger puts its id on every line", () => {
    const out = capture();
    Logger.overrideLogger(new PinoLoggerService(createPino(config(), out.stream)));
    const id = newSessionId();
    expect(id).toMatch(/^[A-Za-z0-9_-]{8}$/);
    const logger = new SessionLogger('FtpListener', id);
    logger.warn('no passive port');
    logger.debug({ command: 'PORT' }, 'refused');
    logger.error(new Error('write failed'));
    const lines = out.lines();
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({ session: id, context: 'FtpListener', msg: 'no passive port', level: 40 });
    expect(lines[1]).toMatchObject({ session: id, command: 'PORT', msg: 'refused', level: 20 });
    expect(lines[2]).toMatchObject({ session: id, msg: 'write failed', level: 50 });
    expect((lines[2].err as { stack: string }).stack).toMatch(/write failed/);
  });

  it('is human-readable when GATEHOUSE_LOG_FORMAT=pretty, and still redacts', () => {
    const out = capture();
    const pino = createPino(config({ GATEHOUSE_LOG_FORMAT: 'pretty' }), out.stream);
    pino.info({ context: 'FtpListener', session: 'Ab3dE6gH', password: 'TopSecretPassword0009' }, 'connection');
    const text = out.text();
    expect(text).toMatch(/INFO.*FtpListener \[session Ab3dE6gH\] connection/);
    expect(text).not.toMatch(/TopSecret/);
    expect(() => JSON.parse(text.split('\n')[0])).toThrow();
  });

  it('auto: pretty on a terminal, JSON otherwise', () => {
    const descriptor = Object.getOwnPropertyDescriptor(process.stdout, 'isTTY');
    const write = (tty: boolean) => {
      Object.defineProperty(process.stdout, 'isTTY', { value: tty, configurable: true });
      const out = capture();
      createPino(config({ GATEHOUSE_LOG_FORMAT: 'auto' }), out.stream).info('hello');
      return out.text();
    };
    try {
      expect(JSON.parse(write(false))).toMatchObject({ msg: 'hello' });
      expect(write(true)).toMatch(/INFO.*hello/);
    } finally {
      if (descriptor) Object.defineProperty(process.stdout, 'isTTY', descriptor);
      else delete (process.stdout as { isTTY?: boolean }).isTTY;
    }
  });
});
