import { CommandReader, MAX_COMMAND_LINE_BYTES, parseCommandLine } from './command-reader';

const lines = (reader: CommandReader, ...chunks: string[]) =>
  chunks.flatMap((c) => reader.push(Buffer.from(c)).lines.map((l) => l.toString()));

describe('CommandReader', () => {
  it('joins a command cut across segments and splits pipelined ones (ftp-srv split each chunk alone)', () => {
    const reader = new CommandReader();
    expect(lines(reader, 'US', 'ER al', 'ice\r', '\nPASS x\r\nNOOP\r\nPW')).toEqual([
      'USER alice\r',
      'PASS x\r',
      'NOOP\r',
    ]);
    expect(lines(reader, 'D\n')).toEqual(['PWD']);
  });

  it(`refuses a line over ${MAX_COMMAND_LINE_BYTES} bytes, whether it arrives whole or in pieces`, () => {
    expect(new CommandReader().push(Buffer.from(`USER ${'a'.repeat(MAX_COMMAND_LINE_BYTES)}\r\n`)).overflow).toBe(true);
    const reader = new CommandReader();
    const piece = Buffer.alloc(1000, 'a');
    const results = Array.from({ length: 5 }, () => reader.push(piece).overflow);
    expect(results).toEqual([false, false, false, false, true]);
  });

  it('discards what follows the last complete line (AUTH TLS)', () => {
    const reader = new CommandReader();
    expect(lines(reader, 'AUTH TLS\r\nUSER x')).toEqual(['AUTH TLS\r']);
    expect(reader.discard()).toBe(6);
    expect(lines(reader, 'NOOP\r\n')).toEqual(['NOOP\r']);
  });
});

describe('parseCommandLine', () => {
  const parse = (text: string | Buffer) => parseCommandLine(typeof text === 'string' ? Buffer.from(text) : text);

  it('keeps the argument exactly as sent: quotes, dash-words, inner spaces', () => {
    expect(parse('PASS pa"ss -a  word\r')).toEqual({ ok: true, command: { directive: 'PASS', arg: 'pa"ss -a  word' } });
    expect(parse('stor /outbox/a b.csv')).toEqual({ ok: true, command: { directive: 'STOR', arg: '/outbox/a b.csv' } });
    expect(parse('NOOP')).toEqual({ ok: true, command: { directive: 'NOOP', arg: null } });
    expect(parse('NOOP ')).toEqual({ ok: true, command: { directive: 'NOOP', arg: null } });
  });

  it('drops Telnet IP/Synch before ABOR and keeps an escaped 0xFF', () => {
    expect(parse(Buffer.from([0xff, 0xf4, 0xff, 0xf2, ...Buffer.from('ABOR')]))).toEqual({
      ok: true,
      command: { directive: 'ABOR', arg: null },
    });
    expect(parse(Buffer.from([...Buffer.from('STOR '), 0xff, 0xff]))).toEqual({ ok: false, reason: 'encoding' });
  });

  it('refuses control characters (NUL, bare CR, C1), undecodable and overlong UTF-8, and odd directives', () => {
    expect(parse('RETR a\u0000b')).toEqual({ ok: false, reason: 'control' });
    expect(parse('RETR a\rb')).toEqual({ ok: false, reason: 'control' });
    expect(parse('RETR a\u0085b')).toEqual({ ok: false, reason: 'control' });
    expect(parse(Buffer.from([0x43, 0x57, 0x44, 0x20, 0xc0, 0xae, 0xc0, 0xae]))).toEqual({
      ok: false,
      reason: 'encoding',
    });
    expect(parse('RETR /outbox/é.csv')).toEqual({ ok: true, command: { directive: 'RETR', arg: '/outbox/é.csv' } });
    for (const odd of ['', 'X', 'TOOLONG x', '12 x', 'RE-TR x'])
      expect(parse(odd)).toEqual({ ok: false, reason: 'syntax' });
  });
});
