import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { utils as sshUtils } from 'ssh2';
import { loadConfig } from '@gatehouse/config';
import { GENERATED_HOST_KEY_FILE, HostKeyError, loadHostKey, openSshEd25519 } from './sftp-host-key';

describe('SFTP host key', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-sftp-key-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const config = (hostKeyFile?: string) =>
    loadConfig({ GATEHOUSE_DATA_DIR: path.join(dir, 'data'), GATEHOUSE_SFTP_HOST_KEY: hostKeyFile });
  const keyFile = (name: string, text: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text, { mode: 0o600 });
    return file;
  };

  it('is generated into the data dir at first start (0600, OpenSSH format) and reused afterwards', () => {
    const first = loadHostKey(config());
    const file = path.join(dir, 'data', GENERATED_HOST_KEY_FILE);
    expect(first).toMatchObject({ file, generated: true });
    expect(first.key.type).toBe('ssh-ed25519');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.join(dir, 'data')).mode & 0o777).toBe(0o700);
    expect(fs.readFileSync(file, 'utf8')).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
    expect(fs.readdirSync(path.join(dir, 'data'))).toEqual([GENERATED_HOST_KEY_FILE]); // no temp file left

    const again = loadHostKey(config());
    expect(again).toMatchObject({ file, generated: false, fingerprint: first.fingerprint });
  });

  it('a file made too open is tightened back to 0600 when read', () => {
    loadHostKey(config());
    const file = path.join(dir, 'data', GENERATED_HOST_KEY_FILE);
    fs.chmodSync(file, 0o644);
    loadHostKey(config());
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('generated keys always parse (ssh2’s own keygen breaks one Ed25519 key in 256)', () => {
    for (let i = 0; i < 600; i++) {
      const text = openSshEd25519('test');
      const key = sshUtils.parseKey(text);
      if (key instanceof Error) throw new Error(`key ${i} does not parse: ${key.message}\n${text}`);
      expect(key.type).toBe('ssh-ed25519');
      expect(key.isPrivateKey()).toBe(true);
      // The private half signs what the public half verifies.
      const signature = key.sign(Buffer.from('data'));
      expect(key.verify(Buffer.from('data'), signature)).toBe(true);
    }
  });

  it('its fingerprint is SHA-256 of the public key blob, base64 without padding, as OpenSSH prints it', () => {
    const { key, fingerprint } = loadHostKey(config());
    const blob = key.getPublicSSH();
    expect(fingerprint).toBe(`SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`);
    expect(fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it('GATEHOUSE_SFTP_HOST_KEY is read instead, and nothing is generated', () => {
    const ecdsa = sshUtils.generateKeyPairSync('ecdsa', { bits: 256 });
    const file = keyFile('ecdsa_key', ecdsa.private);
    const loaded = loadHostKey(config(file));
    expect(loaded).toMatchObject({ file, generated: false });
    expect(loaded.key.type).toBe('ecdsa-sha2-nistp256');
    expect(fs.existsSync(path.join(dir, 'data', GENERATED_HOST_KEY_FILE))).toBe(false);
  });

  it.each([
    ['a missing file', () => path.join(dir, 'missing'), /GATEHOUSE_SFTP_HOST_KEY: cannot read .*missing \(ENOENT\)/],
    ['text that is no key', () => keyFile('junk', 'hello\n'), /GATEHOUSE_SFTP_HOST_KEY: .*junk is not a private key/],
    [
      'a public key',
      () => keyFile('pub', sshUtils.generateKeyPairSync('ecdsa', { bits: 256 }).public),
      /holds a public key; the SFTP listener needs the private key/,
    ],
    [
      'a passphrase-protected key',
      () =>
        keyFile(
          'encrypted',
          sshUtils.generateKeyPairSync('ecdsa', { bits: 256, passphrase: 'secret', cipher: 'aes256-ctr' }).private,
        ),
      /is not a private key the SFTP listener can use: .*passphrase/i,
    ],
    [
      'an RSA key (ssh2 would offer it with SHA-1 too)',
      () => keyFile('rsa', sshUtils.generateKeyPairSync('rsa', { bits: 2048 }).private),
      /is a ssh-rsa key; use Ed25519/,
    ],
  ])('%s is refused with a message naming the variable and the file', (_label, make, message) => {
    expect(() => loadHostKey(config(make()))).toThrow(HostKeyError);
    expect(() => loadHostKey(config(make()))).toThrow(message);
  });
});
