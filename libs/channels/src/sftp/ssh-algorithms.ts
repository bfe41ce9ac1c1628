import { getCiphers, getHashes } from 'node:crypto';
import type { Algorithms, KeyType } from 'ssh2';

/**
 * What the SFTP listener negotiates: modern algorithms only (no SHA-1, no CBC, no DH groups a
 * client can make the server compute expensively before it has logged in). OpenSSH 8 and later,
 * PuTTY 0.75+, WinSCP 5.19+ and current Java/Go/Python SSH libraries all share these.
 */
export const SSH_KEX = [
  'curve25519-sha256',
  'curve25519-sha256@libssh.org',
  // For clients without Curve25519 (FIPS builds, some Java stacks).
  'ecdh-sha2-nistp256',
  'ecdh-sha2-nistp384',
  'ecdh-sha2-nistp521',
] as const;

/** The cipher names and the OpenSSL cipher each needs; one this Node cannot run is not offered. */
const CIPHERS: ReadonlyArray<[name: string, openssl: string]> = [
  ['chacha20-poly1305@openssh.com', 'chacha20'],
  ['aes256-gcm@openssh.com', 'aes-256-gcm'],
  ['aes128-gcm@openssh.com', 'aes-128-gcm'],
  ['aes256-ctr', 'aes-256-ctr'],
  ['aes128-ctr', 'aes-128-ctr'],
];

const MACS: ReadonlyArray<[name: string, openssl: string]> = [
  ['hmac-sha2-256-etm@openssh.com', 'sha256'],
  ['hmac-sha2-512-etm@openssh.com', 'sha512'],
  ['hmac-sha2-256', 'sha256'],
  ['hmac-sha2-512', 'sha512'],
];

/**
 * Host key types the listener accepts. RSA is left out on purpose: ssh2 always offers an RSA key
 * as `ssh-rsa` (SHA-1 signatures) too, whatever the configured list says. DSA is obsolete.
 */
export const HOST_KEY_TYPES: readonly KeyType[] = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
];

export function sshAlgorithms(hostKeyType: KeyType): Algorithms {
  const ciphers = new Set(getCiphers());
  const hashes = new Set(getHashes());
  return {
    kex: [...SSH_KEX],
    cipher: CIPHERS.filter(([, openssl]) => ciphers.has(openssl)).map(([name]) => name) as Algorithms['cipher'],
    hmac: MACS.filter(([, openssl]) => hashes.has(openssl)).map(([name]) => name) as Algorithms['hmac'],
    serverHostKey: [hostKeyType],
    // Compression buys little for CSV batches and costs CPU on every connection.
    compress: ['none'],
  };
}
