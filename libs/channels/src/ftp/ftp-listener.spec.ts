import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { Client, FTPError } from 'basic-ftp';
import { Logger } from '@nestjs/common';
import type { GatehouseConfig } from '@gatehouse/config';
import { AuthenticatedCredential, ChannelGate, PeerBanList, SessionRegistry, newId } from '@gatehouse/core';
import { changeNotifierMock } from '@gatehouse/core/testing';
import { FsAccountTrees } from '../files/account-trees';
import type { BatchFiles, UploadTarget } from '../files/file-channel';
import { FtpListener } from './ftp-listener';

/**
 * Failures a real client cannot provoke, injected through fakes of the gate and the batch files:
 * a full disk, and a batch that cannot be claimed. The real pipeline is in test/e2e/channel-ftp.
 */
describe('FtpListener uploads that fail on the server side', () => {
  let dataDir: string;
  let listener: FtpListener;
  let target: jest.Mocked<UploadTarget>;
  const finish = jest.fn();
  const key: AuthenticatedCredential = {
    credentialId: newId(),
    accountId: newId(),
    tenantId: newId(),
    channel: 'ftp',
    username: 'alice',
    offTheRecord: false,
    scope: 'all',
    groups: [],
    postbackUrl: null,
    rateLimit: null,
  };

  beforeAll(async () => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-ftp-unit-'));
    const gate = {
      admit: () => Promise.resolve({ ok: true, key, request: { finish: jest.fn() } }),
      openRequest: () => ({ finish }),
    } as unknown as ChannelGate;
    const bans: PeerBanList = {
      check: () => Promise.resolve({ banned: false }),
      recordFailure: () => Promise.resolve({ banned: false }),
    };
    const batches: BatchFiles = {
      beginUpload: () => Promise.resolve(target),
      claimRenamed: () => Promise.resolve(),
      drain: () => Promise.resolve(),
    };
    const config = {
      host: '127.0.0.1',
      ftp: {
        port: 0,
        pasvPorts: { min: 45000, max: 45999 },
        pasvAddress: null,
        requireTls: false,
        maxUploadBytes: 1024,
      },
      tls: null,
    } as unknown as GatehouseConfig;
    listener = new FtpListener(config, {
      gate,
      registry: new SessionRegistry(changeNotifierMock()),
      bans,
      trees: new FsAccountTrees({ dataDir }),
      batches,
    });
    await listener.start();
  });
  afterAll(async () => {
    await listener.stop(0);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const uploadTo = async (content: string): Promise<unknown> => {
    const client = new Client(15_000);
    try {
      await client.access({ host: '127.0.0.1', port: listener.address()!.port, user: 'alice', password: 'secret' });
      await client.uploadFrom(Readable.from([Buffer.from(content)]), '/outbox/batch.csv');
      return null;
    } catch (err) {
      return err;
    } finally {
      client.close();
    }
  };

  const fakeTarget = (tempPath: string, complete: () => Promise<void> = () => Promise.resolve()) => {
    finish.mockClear();
    return {
      tempPath,
      maxBytes: 1024,
      complete: jest.fn(complete),
      abort: jest.fn(() => Promise.resolve()),
    } as jest.Mocked<UploadTarget>;
  };

  it('a full disk: 452, the upload aborted, never completed', async () => {
    target = fakeTarget('/dev/full');
    const err = await uploadTo('to,body\r\n+447700900123,hello\r\n');
    expect(err).toBeInstanceOf(FTPError);
    expect((err as FTPError).code).toBe(452);
    expect(target.abort).toHaveBeenCalled();
    expect(target.complete).not.toHaveBeenCalled();
    expect(finish).toHaveBeenCalledWith('452', 'internal_error');
  });

  it('a batch that cannot be claimed: 451, never told 226', async () => {
    target = fakeTarget(path.join(dataDir, 'upload'), () => Promise.reject(new Error('ENOSPC while claiming')));
    const err = await uploadTo('to,body\r\n+447700900123,hello\r\n');
    expect((err as FTPError).code).toBe(451);
    expect(target.complete).toHaveBeenCalled();
    expect(finish).toHaveBeenCalledWith('451', 'internal_error');
  });

  it('a complete upload: written to its temporary file, completed, 226', async () => {
    target = fakeTarget(path.join(dataDir, 'upload'));
    expect(await uploadTo('to,body\r\n')).toBeNull();
    expect(fs.readFileSync(path.join(dataDir, 'upload'), 'utf8')).toBe('to,body\r\n');
    expect(target.complete).toHaveBeenCalled();
    expect(target.abort).not.toHaveBeenCalled();
    expect(finish).toHaveBeenCalledWith('226', 'ok');
  });
});
