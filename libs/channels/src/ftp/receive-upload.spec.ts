import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { receiveUpload } from './ftp-session';

/**
 * receiveUpload writes an upload in ~1 MiB writes (or what came within 20 ms; the stream corked
 * between them) and pauses the data connection when the disk lags: every byte must still arrive,
 * in order, whatever the sizes.
 */
describe('receiveUpload', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-receive-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** A data connection that sends `data` in `chunk`-byte pieces as fast as it is read, then FIN. */
  function connection(data: Buffer, chunk: number): PassThrough {
    const socket = new PassThrough();
    socket.pause();
    void (async () => {
      for (let at = 0; at < data.length; at += chunk) {
        if (!socket.write(data.subarray(at, at + chunk))) await new Promise((r) => socket.once('drain', r));
      }
      socket.end();
    })();
    return socket;
  }

  it.each([
    ['nothing', 0, 65_536],
    ['less than one write', 100_000, 65_536],
    ['exactly one write', 1024 * 1024, 65_536],
    ['several writes and a remainder, faster than the disk (the socket is paused)', 9 * 1024 * 1024 + 123, 65_536],
    ['pieces that straddle the writes', 5 * 1024 * 1024 + 7, 777_777],
  ])('%s: every byte, in order', async (_what, size, chunk) => {
    const data = randomBytes(size);
    const file = path.join(dir, 'upload');
    const socket = connection(data, chunk);
    const pause = jest.spyOn(socket, 'pause');
    await expect(receiveUpload(socket, file, 64 * 1024 * 1024, new AbortController().signal)).resolves.toBe('complete');
    expect(fs.readFileSync(file).equals(data)).toBe(true);
    if (size > 4 * 1024 * 1024) expect(pause).toHaveBeenCalled();
  });

  it('a few bytes and nothing more for now: on disk within moments, not held back for a full write', async () => {
    const file = path.join(dir, 'upload');
    const socket = new PassThrough();
    const upload = receiveUpload(socket, file, 1 << 30, new AbortController().signal);
    socket.write(Buffer.from('to,body\r\n'));
    const deadline = Date.now() + 2000;
    while (fs.statSync(file, { throwIfNoEntry: false })?.size !== 9 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(fs.statSync(file).size).toBe(9);
    socket.end();
    await expect(upload).resolves.toBe('complete');
  });

  it('past maxBytes: too_large, the connection cut and the file closed (so that it can be removed)', async () => {
    const file = path.join(dir, 'upload');
    const socket = connection(randomBytes(3 * 1024 * 1024), 65_536);
    await expect(receiveUpload(socket, file, 2 * 1024 * 1024, new AbortController().signal)).resolves.toBe('too_large');
    expect(socket.destroyed).toBe(true);
    expect(fs.statSync(file).size).toBeLessThanOrEqual(2 * 1024 * 1024);
  });

  it('a connection that closes without its end (a reset), or an abort: aborted', async () => {
    const reset = new PassThrough();
    const upload = receiveUpload(reset, path.join(dir, 'reset'), 1 << 30, new AbortController().signal);
    reset.write(randomBytes(300_000));
    setImmediate(() => reset.destroy());
    await expect(upload).resolves.toBe('aborted');

    const abort = new AbortController();
    const aborted = receiveUpload(new PassThrough(), path.join(dir, 'abort'), 1 << 30, abort.signal);
    abort.abort();
    await expect(aborted).resolves.toBe('aborted');
  });
});
