import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client, type ConnectConfig } from 'ssh2';
import { sftpPort } from './channels/sftp';
import type { TestApp } from './test-app';

/** A raw ssh2 client connection, with its debug lines (what the server sent, e.g. its DISCONNECT text). */
export interface RawSsh {
  client: Client;
  debug: string[];
  /** Resolves when the socket closed. */
  closed: Promise<void>;
  isClosed(): boolean;
  /** The DISCONNECT the server sent (`Received DISCONNECT (11, "…")`), if any. */
  disconnect(): { reason: number; text: string } | null;
}

/**
 * Connects a raw ssh2 client. Resolves once logged in (`ready`), or with the error it failed
 * with (`error`): auth failures, handshake failures.
 */
export function rawSsh(config: ConnectConfig): Promise<{ ssh: RawSsh; error: Error | null }> {
  const client = new Client();
  const debug: string[] = [];
  let closedFlag = false;
  const closed = new Promise<void>((resolve) =>
    client.on('close', () => {
      closedFlag = true;
      resolve();
    }),
  );
  const ssh: RawSsh = {
    client,
    debug,
    closed,
    isClosed: () => closedFlag,
    disconnect: () => {
      for (const line of debug) {
        const m = /Received DISCONNECT \((\d+), "(.*)"\)/.exec(line);
        if (m) return { reason: Number(m[1]), text: m[2] };
      }
      return null;
    },
  };
  return new Promise((resolve) => {
    let settled = false;
    const settle = (error: Error | null) => {
      if (settled) return;
      settled = true;
      resolve({ ssh, error });
    };
    client.on('ready', () => settle(null));
    client.on('error', (err) => settle(err));
    client.on('close', () => settle(new Error('closed before logging in')));
    client.connect({ readyTimeout: 20_000, debug: (line: string) => debug.push(line), ...config });
  });
}

/** Resolves true if `promise` settles within `ms`. */
export async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const result = await Promise.race([
    promise.then(() => true),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms))),
  ]);
  clearTimeout(timer);
  return result;
}

/** Polls `check` until it holds or `timeoutMs` passes. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export interface CommandResult {
  code: number | null;
  output: string;
}

export function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
  timeoutMs = 30_000,
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

export const OPENSSH_SFTP = '/usr/bin/sftp';
export const SSH_KEYGEN = '/usr/bin/ssh-keygen';

/** The `SHA256:…` fingerprint `ssh-keygen -lf` prints for a key file. */
export async function keygenFingerprint(file: string): Promise<string> {
  const { code, output } = await run(SSH_KEYGEN, ['-l', '-E', 'sha256', '-f', file]);
  if (code !== 0) throw new Error(`ssh-keygen -lf ${file}: ${output}`);
  return output.split(' ')[1];
}

/**
 * OpenSSH's `sftp` in batch mode against the SFTP listener, as an operator would run it: the
 * password comes from an SSH_ASKPASS helper (OpenSSH ≥ 8.4 with SSH_ASKPASS_REQUIRE=force; no
 * sshpass needed), the host key is pinned in a known_hosts file made from the server's key
 * file, and nothing of the user's own ssh configuration is read.
 */
export async function opensshSftp(
  t: TestApp,
  options: {
    username: string;
    password: string;
    commands: string[];
    hostKeyFile: string;
    method?: 'password' | 'keyboard-interactive';
    sshOptions?: string[];
  },
): Promise<CommandResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-openssh-'));
  try {
    const askpass = path.join(dir, 'askpass.sh');
    fs.writeFileSync(askpass, '#!/bin/sh\nprintf \'%s\\n\' "$GATEHOUSE_TEST_PASSWORD"\n', { mode: 0o700 });
    const publicKey = await run(SSH_KEYGEN, ['-y', '-f', options.hostKeyFile]);
    if (publicKey.code !== 0) throw new Error(`ssh-keygen -y: ${publicKey.output}`);
    const port = sftpPort(t);
    const knownHosts = path.join(dir, 'known_hosts');
    fs.writeFileSync(knownHosts, `[127.0.0.1]:${port} ${publicKey.output.trim()}\n`);
    const batch = path.join(dir, 'batch');
    fs.writeFileSync(batch, options.commands.join('\n') + '\n');
    const method = options.method ?? 'password';
    return await run(
      OPENSSH_SFTP,
      [
        '-F',
        '/dev/null',
        // Before -b: sftp's own `-oBatchMode yes` comes later, and ssh takes the first value.
        '-o',
        'BatchMode=no',
        '-o',
        `PreferredAuthentications=${method}`,
        '-o',
        'PubkeyAuthentication=no',
        '-o',
        'NumberOfPasswordPrompts=1',
        '-o',
        'StrictHostKeyChecking=yes',
        '-o',
        `UserKnownHostsFile=${knownHosts}`,
        '-o',
        'GlobalKnownHostsFile=/dev/null',
        '-o',
        'ConnectTimeout=20',
        ...(options.sshOptions ?? []).flatMap((o) => ['-o', o]),
        '-b',
        batch,
        '-P',
        String(port),
        `${options.username}@127.0.0.1`,
      ],
      {
        HOME: dir,
        SSH_ASKPASS: askpass,
        SSH_ASKPASS_REQUIRE: 'force',
        DISPLAY: ':0',
        GATEHOUSE_TEST_PASSWORD: options.password,
      },
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
