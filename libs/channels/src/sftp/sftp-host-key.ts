import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { type ParsedKey, utils as sshUtils } from 'ssh2';
import { type GatehouseConfig, ensurePrivateDir, tightenIfPresent } from '@gatehouse/config';
import { HOST_KEY_TYPES } from './ssh-algorithms';

/** The file a generated host key lives in, inside the data dir (DESIGN.md §6). */
export const GENERATED_HOST_KEY_FILE = 'sftp_host_ed25519_key';

export interface SftpHostKey {
  /** The private key as ssh2 parsed it. */
  key: ParsedKey;
  /** The key file's text, what ssh2's Server takes (it cannot re-read its own PKCS#8 export of Ed25519). */
  text: string;
  /** `SHA256:<base64>`, as `ssh-keygen -lf` and OpenSSH's first-connection prompt print it. */
  fingerprint: string;
  /** Where it was read from. */
  file: string;
  /** True when this start generated it. */
  generated: boolean;
}

/** The host key cannot be used; the listener refuses to start and says why. */
export class HostKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HostKeyError';
  }
}

/**
 * `GATEHOUSE_SFTP_HOST_KEY` when set, else the Ed25519 key in the data dir, generated at first
 * start (0600) and reused afterwards, so clients' known_hosts entries stay valid across restarts.
 */
export function loadHostKey(config: GatehouseConfig): SftpHostKey {
  if (config.sftp.hostKeyFile) return readHostKey(config.sftp.hostKeyFile, 'GATEHOUSE_SFTP_HOST_KEY');
  const file = path.join(config.dataDir, GENERATED_HOST_KEY_FILE);
  if (fs.existsSync(file)) {
    tightenIfPresent([file]);
    return readHostKey(file, 'the generated SFTP host key');
  }
  return { ...readHostKeyText(generateHostKey(file), file, 'the generated SFTP host key'), generated: true };
}

/** The `SHA256:…` fingerprint of a key's public half (base64 without padding, as OpenSSH prints it). */
export function hostKeyFingerprint(key: ParsedKey): string {
  return `SHA256:${createHash('sha256').update(key.getPublicSSH()).digest('base64').replace(/=+$/, '')}`;
}

function readHostKey(file: string, source: string): SftpHostKey {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new HostKeyError(`${source}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  return { ...readHostKeyText(text, file, source), generated: false };
}

function readHostKeyText(text: string, file: string, source: string): Omit<SftpHostKey, 'generated'> {
  let parsed = sshUtils.parseKey(text);
  if (Array.isArray(parsed)) parsed = (parsed as ParsedKey[])[0];
  if (parsed instanceof Error) {
    // ssh2 says "Encrypted private OpenSSH key detected, but no passphrase given" for those.
    throw new HostKeyError(`${source}: ${file} is not a private key the SFTP listener can use: ${parsed.message}`);
  }
  if (!parsed.isPrivateKey()) {
    throw new HostKeyError(`${source}: ${file} holds a public key; the SFTP listener needs the private key`);
  }
  if (!HOST_KEY_TYPES.includes(parsed.type)) {
    throw new HostKeyError(
      `${source}: ${file} is a ${parsed.type} key; use Ed25519 (ssh-keygen -t ed25519) or ECDSA. ` +
        'RSA host keys would also be offered with SHA-1 signatures, and DSA is obsolete.',
    );
  }
  return { key: parsed, text, fingerprint: hostKeyFingerprint(parsed), file };
}

/**
 * Writes a new Ed25519 key in OpenSSH format (what `ssh-keygen` writes; ssh2 1.17 cannot read a
 * PKCS#8 Ed25519 PEM). Written to a temporary name and linked into place, so nodes sharing the
 * data dir that start together agree on one key and never read a half-written file.
 */
function generateHostKey(file: string): string {
  ensurePrivateDir(path.dirname(file));
  const text = openSshEd25519(`gatehouse sftp host key`);
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  fs.writeFileSync(temp, text, { mode: 0o600, flag: 'wx' });
  try {
    fs.linkSync(temp, file);
    return text;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return fs.readFileSync(file, 'utf8'); // another node won the race: use its key
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

/**
 * A new Ed25519 key as an unencrypted `openssh-key-v1` file (OpenSSH's PROTOCOL.key). Made here
 * from node:crypto rather than with ssh2's keygen, which drops a leading zero byte of the public
 * key (one key in 256 is then unreadable, by ssh2 itself too).
 */
export function openSshEd25519(comment: string): string {
  const jwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
  const seed = Buffer.from(jwk.d!, 'base64url');
  const pub = Buffer.from(jwk.x!, 'base64url');
  const str = (value: Buffer | string) => {
    const bytes = Buffer.from(value);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    return Buffer.concat([length, bytes]);
  };
  const u32 = (value: number) => {
    const bytes = Buffer.alloc(4);
    bytes.writeUInt32BE(value);
    return bytes;
  };
  const publicBlob = Buffer.concat([str('ssh-ed25519'), str(pub)]);
  const check = randomBytes(4).readUInt32BE();
  const secrets = Buffer.concat([
    u32(check),
    u32(check),
    str('ssh-ed25519'),
    str(pub),
    str(Buffer.concat([seed, pub])),
    str(comment),
  ]);
  // Padded with 1, 2, 3… to the cipher's block size (8 for "none").
  const padding = Buffer.from(Array.from({ length: (8 - (secrets.length % 8)) % 8 }, (_, i) => i + 1));
  const body = Buffer.concat([
    Buffer.from('openssh-key-v1\0', 'latin1'),
    str('none'),
    str('none'),
    str(''),
    u32(1),
    str(publicBlob),
    str(Buffer.concat([secrets, padding])),
  ]).toString('base64');
  const lines = body.match(/.{1,70}/g) ?? [];
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${lines.join('\n')}\n-----END OPENSSH PRIVATE KEY-----\n`;
}
