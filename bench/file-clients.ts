import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import { Writable } from 'node:stream';
import { Client as FtpClient } from 'basic-ftp';
import { Client as SshClient, type ConnectConfig, type SFTPWrapper } from 'ssh2';

/**
 * The clients of the file-channel scenarios, one interface over SFTP (ssh2) and FTP/FTPS
 * (basic-ftp), so that every scenario runs the same code against Gatehouse and against the
 * reference server. Loaded only by the worker process (file-worker.ts): no client ever runs in
 * the bench's event loop, nor in a server's.
 */
export type FileProtocol = 'sftp' | 'ftp' | 'ftps';

/** Where and how a client logs in; plain JSON, passed to the worker on its command line. */
export interface FileTarget {
  protocol: FileProtocol;
  host: string;
  port: number;
  username: string;
  /** Password login (Gatehouse; an anonymous FTP reference takes any). */
  password?: string;
  /** SFTP public-key login (the sshd reference): an unencrypted OpenSSH private key file. */
  privateKeyFile?: string;
  /** SFTP: the server's host key, `SHA256:<base64>` as ssh-keygen -l prints it; checked on every connect. */
  hostKeySha256?: string;
  /** SFTP: the one cipher offered, so that both servers run the same one. */
  cipher?: string;
  /** Folder uploads go into: `/outbox` on Gatehouse, a temp folder on the reference. */
  uploadDir: string;
}

export interface FileSession {
  /** Uploads a local file whole (SFTP: 64 pipelined 32 KiB writes, as OpenSSH's sftp; FTP: one STOR). */
  upload(localFile: string, remotePath: string): Promise<void>;
  remove(remotePath: string): Promise<void>;
  exists(remotePath: string): Promise<boolean>;
  read(remotePath: string): Promise<Buffer>;
  close(): Promise<void>;
}

/** Logs in and is ready for file requests (SFTP: the subsystem is open). */
export function openSession(target: FileTarget): Promise<FileSession> {
  return target.protocol === 'sftp' ? SftpSession.open(target) : FtpSession.open(target);
}

/** What OpenSSH's sftp does by default (-B 32768 -R 64); pinned, so neither server's limits change it. */
const SFTP_CHUNK = 32_768;
const SFTP_REQUESTS = 64;
const NO_SUCH_FILE = 2;

export function sshFingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

class SftpSession implements FileSession {
  private closed: Promise<void>;

  private constructor(
    private readonly conn: SshClient,
    private readonly sftp: SFTPWrapper,
  ) {
    this.closed = new Promise((resolve) => conn.once('close', () => resolve()));
  }

  static open(t: FileTarget): Promise<SftpSession> {
    const conn = new SshClient();
    const config: ConnectConfig = {
      host: t.host,
      port: t.port,
      username: t.username,
      readyTimeout: 30_000,
      // As OpenSSH's client: `none` first (which methods are there?), then the one we have.
      authHandler: t.privateKeyFile ? ['none', 'publickey'] : ['none', 'password'],
      ...(t.privateKeyFile ? { privateKey: fs.readFileSync(t.privateKeyFile) } : { password: t.password }),
      algorithms: {
        kex: ['curve25519-sha256'],
        serverHostKey: ['ssh-ed25519'],
        ...(t.cipher ? { cipher: [t.cipher as never] } : {}),
        hmac: ['hmac-sha2-256-etm@openssh.com'],
        compress: ['none'],
      },
      ...(t.hostKeySha256 ? { hostVerifier: (key: Buffer) => sshFingerprint(key) === t.hostKeySha256 } : {}),
    };
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (err: Error) => {
        if (settled) return;
        settled = true;
        conn.end();
        reject(err);
      };
      conn.once('error', fail);
      conn.once('close', () => fail(new Error('connection closed before the SFTP subsystem opened')));
      conn.once('ready', () =>
        conn.sftp((err, sftp) => {
          if (err) return fail(err);
          settled = true;
          conn.removeListener('error', fail);
          conn.on('error', () => undefined); // a late socket error after close() is not a failure
          resolve(new SftpSession(conn, sftp));
        }),
      );
      // ssh2 leaves Nagle on: its back-to-back small packets would wait for the server's delayed
      // ACK (40 ms on Linux) at every login, whichever the server. OpenSSH's client coalesces its
      // writes instead; this is the closest ssh2 gets to that.
      conn.once('connect', () => conn.setNoDelay(true));
      conn.connect(config);
    });
  }

  upload(localFile: string, remotePath: string): Promise<void> {
    return new Promise((resolve, reject) =>
      this.sftp.fastPut(localFile, remotePath, { concurrency: SFTP_REQUESTS, chunkSize: SFTP_CHUNK }, (err) =>
        err ? reject(err) : resolve(),
      ),
    );
  }

  remove(remotePath: string): Promise<void> {
    return new Promise((resolve, reject) => this.sftp.unlink(remotePath, (err) => (err ? reject(err) : resolve())));
  }

  exists(remotePath: string): Promise<boolean> {
    return new Promise((resolve, reject) =>
      this.sftp.stat(remotePath, (err) => {
        if (!err) return resolve(true);
        if ((err as { code?: unknown }).code === NO_SUCH_FILE) return resolve(false);
        reject(err);
      }),
    );
  }

  read(remotePath: string): Promise<Buffer> {
    return new Promise((resolve, reject) =>
      this.sftp.readFile(remotePath, (err: Error | null | undefined, data: Buffer) =>
        err ? reject(err) : resolve(data),
      ),
    );
  }

  /** SSH_MSG_DISCONNECT, then waits for the socket to close. */
  async close(): Promise<void> {
    this.conn.end();
    await this.closed;
  }
}

class FtpSession implements FileSession {
  private constructor(private readonly client: FtpClient) {}

  static async open(t: FileTarget): Promise<FtpSession> {
    const client = new FtpClient(30_000);
    // As for SSH: no Nagle on the client's side (control and data sockets; basic-ftp makes every
    // socket here, and has no option for it).
    const internals = client.ftp as unknown as { _newSocket: () => net.Socket };
    internals._newSocket = () => new net.Socket().setNoDelay(true);
    try {
      await client.access({
        host: t.host,
        port: t.port,
        user: t.username,
        password: t.password,
        secure: t.protocol === 'ftps', // explicit: AUTH TLS, then PBSZ 0 / PROT P for the data connections
        // Both servers run a self-signed certificate made for the bench.
        secureOptions: { rejectUnauthorized: false },
      });
    } catch (err) {
      client.close();
      throw err;
    }
    return new FtpSession(client);
  }

  async upload(localFile: string, remotePath: string): Promise<void> {
    await this.client.uploadFrom(localFile, remotePath); // passive (EPSV, else PASV), binary
  }

  async remove(remotePath: string): Promise<void> {
    await this.client.remove(remotePath);
  }

  async exists(remotePath: string): Promise<boolean> {
    try {
      await this.client.size(remotePath);
      return true;
    } catch (err) {
      if ((err as { code?: unknown }).code === 550) return false;
      throw err;
    }
  }

  async read(remotePath: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk);
        done();
      },
    });
    await this.client.downloadTo(sink, remotePath);
    return Buffer.concat(chunks);
  }

  async close(): Promise<void> {
    try {
      await this.client.send('QUIT');
    } catch {
      // already gone
    }
    this.client.close();
  }
}
