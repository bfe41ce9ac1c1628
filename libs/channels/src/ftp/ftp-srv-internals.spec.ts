import { Logger } from '@nestjs/common';
import { STOCK_COMMANDS, createStockServer, stockLog } from './ftp-srv-internals';

describe('ftp-srv internals', () => {
  it('its constructor’s SIGTERM/SIGINT/SIGQUIT hooks (close everything, process.exit(0)) are removed', () => {
    const signals = ['SIGTERM', 'SIGINT', 'SIGQUIT'] as const;
    const before = signals.map((s) => process.listeners(s));
    const server = createStockServer({ url: 'ftp://127.0.0.1:0', log: stockLog(new Logger('test')) }, 'hello');
    expect(signals.map((s) => process.listeners(s))).toEqual(before);
    expect(server._features).toBe('hello');
    expect(server.server.listening).toBe(false); // it never listens itself
  });

  it('the stock commands still run are the harmless ones: nothing that writes, lists or opens data connections', () => {
    for (const directive of [
      'STOR',
      'APPE',
      'STOU',
      'RETR',
      'LIST',
      'NLST',
      'MKD',
      'RMD',
      'SITE',
      'PORT',
      'EPRT',
      'PASV',
      'EPSV',
      'USER',
      'PASS',
      'AUTH',
    ]) {
      expect(STOCK_COMMANDS).not.toContain(directive);
    }
  });

  it('what it logs never carries objects (a PASS argument could be in one)', () => {
    const debug = jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
    const log = stockLog(new Logger('test')) as { error(...args: unknown[]): void; child(): unknown };
    log.error({ command: { directive: 'PASS', arg: 'hunter2' } }, 'failed', new Error('no such file'));
    expect(debug).toHaveBeenCalledWith('ftp-srv: failed no such file');
    expect(log.child()).toBe(log);
    debug.mockRestore();
  });
});
