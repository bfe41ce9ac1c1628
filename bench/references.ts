import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FileTarget } from './file-clients';
import { ensureDir, freePort, makeTempDir, startProgram } from './processes';

/**
 * The reference servers of the file-channel scenarios: OpenSSH's sshd (internal-sftp) and
 * vsftpd, each run by the bench in the foreground as its own child process, from a config file in
 * a temp dir, on 127.0.0.1 and a free port; killed and removed with everything else at the end.
 * A missing binary is not an error: the scenario then shows Gatehouse's absolute figures only.
 */
export interface ReferenceServer {
  /** e.g. "OpenSSH_9.2p1 sshd, internal-sftp". */
  name: string;
  pid: number;
  /** How its clients log in (the table notes it). */
  login: string;
  /** The server forks per connection: its CPU figures count the children it has reaped. */
  forks: boolean;
  /** FTP: explicit FTPS (AUTH TLS) is configured. */
  tls?: boolean;
  target(protocol: FileTarget['protocol']): FileTarget;
}

export type Reference = { ok: true; server: ReferenceServer } | { ok: false; reason: string };

/** The bench's OS user: the reference servers log this user in, so no system user is created. */
function benchUser(): { name: string; root: boolean } {
  const info = os.userInfo();
  return { name: info.username, root: info.uid === 0 };
}

function version(binary: string, flag: string, pattern: RegExp): string | null {
  const probe = spawnSync(binary, [flag], { encoding: 'utf8' });
  return pattern.exec(`${probe.stdout ?? ''}${probe.stderr ?? ''}`)?.[0] ?? null;
}

function keygen(file: string): void {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'gatehouse-bench', '-f', file], {
    stdio: 'ignore',
  });
}

/** `SHA256:…` of an OpenSSH public key file, as ssh-keygen -l prints it. */
function pubFingerprint(pubFile: string): string {
  const blob = Buffer.from(fs.readFileSync(pubFile, 'utf8').trim().split(/\s+/)[1], 'base64');
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/**
 * OpenSSH sshd with `Subsystem sftp internal-sftp`, logging in the bench's own OS user by public
 * key (Ed25519, a key pair made for the run): no password, no PAM, no system user created. Run as
 * root it needs its privilege-separation directory (/run/sshd); if that is missing, the bench
 * creates it and removes it at the end.
 */
export async function startSshd(cipher: string): Promise<Reference> {
  const binary = process.env.BENCH_SSHD ?? '/usr/sbin/sshd';
  if (!fs.existsSync(binary)) return { ok: false, reason: `${binary} not found (apt-get install openssh-server)` };
  const keygenFound = spawnSync('ssh-keygen', ['-?'], { encoding: 'utf8' });
  if (keygenFound.error) return { ok: false, reason: 'ssh-keygen not found (apt-get install openssh-client)' };
  const user = benchUser();
  const dir = makeTempDir('gatehouse-bench-sshd-');
  const hostKey = path.join(dir, 'host_ed25519');
  const clientKey = path.join(dir, 'client_ed25519');
  keygen(hostKey);
  keygen(clientKey);
  fs.copyFileSync(`${clientKey}.pub`, path.join(dir, 'authorized_keys'));
  const files = path.join(dir, 'files');
  fs.mkdirSync(files, { mode: 0o700 });
  if (user.root) ensureDir('/run/sshd', 0o755);
  const port = await freePort();
  const config = path.join(dir, 'sshd_config');
  fs.writeFileSync(
    config,
    [
      `ListenAddress 127.0.0.1:${port}`,
      `HostKey ${hostKey}`,
      'PidFile none',
      `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
      // The key lives in the temp dir under /tmp (world-writable), which StrictModes refuses.
      'StrictModes no',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      ...(user.root ? ['PermitRootLogin prohibit-password'] : []),
      `AllowUsers ${user.name}`,
      'Subsystem sftp internal-sftp',
      'ForceCommand internal-sftp',
      'AllowTcpForwarding no',
      'AllowAgentForwarding no',
      'X11Forwarding no',
      'PermitTTY no',
      'PrintMotd no',
      'UseDNS no',
      // The logins scenario keeps a few handshakes in flight: never drop one (default 10:30:100).
      'MaxStartups 128',
      'LogLevel ERROR',
      '',
    ].join('\n'),
  );
  const server = await startProgram('sshd', binary, ['-D', '-e', '-f', config], port, /^SSH-2\.0-/);
  const fingerprint = pubFingerprint(`${hostKey}.pub`);
  return {
    ok: true,
    server: {
      name: `${version(binary, '-V', /OpenSSH_[^\s,]+/) ?? 'OpenSSH'} sshd, internal-sftp`,
      pid: server.pid,
      login: `public key (Ed25519) as the bench's user \`${user.name}\``,
      forks: true,
      target: () => ({
        protocol: 'sftp',
        host: '127.0.0.1',
        port,
        username: user.name,
        privateKeyFile: clientKey,
        hostKeySha256: fingerprint,
        cipher,
        uploadDir: files,
      }),
    },
  };
}

/**
 * vsftpd in the foreground (`background=NO`), plain FTP and explicit FTPS (`AUTH TLS`, with a
 * self-signed certificate made for the run when openssl is there), passive ports in a range.
 * Login: anonymous with uploads and deletes allowed into a folder of the temp dir, mapped to the
 * system user `ftp` the Debian package creates (`ftp_username`), so the bench needs no user of its
 * own and no password: vsftpd checks none for anonymous. The figures say so.
 */
export async function startVsftpd(pasvPorts: [number, number]): Promise<Reference> {
  const binary = process.env.BENCH_VSFTPD ?? '/usr/sbin/vsftpd';
  if (!fs.existsSync(binary)) return { ok: false, reason: `${binary} not found (apt-get install vsftpd)` };
  const ftpUser = process.env.BENCH_VSFTPD_USER ?? 'ftp';
  const known = spawnSync('getent', ['passwd', ftpUser], { encoding: 'utf8' });
  if (known.status !== 0) return { ok: false, reason: `no system user "${ftpUser}" for vsftpd's anonymous login` };
  const dir = makeTempDir('gatehouse-bench-vsftpd-');
  // The anonymous root may not be writable by the ftp user; the upload folder must be.
  const root = path.join(dir, 'root');
  const files = path.join(root, 'files');
  fs.mkdirSync(files, { recursive: true });
  fs.chmodSync(dir, 0o755);
  fs.chmodSync(root, 0o555);
  const [uid, gid] = known.stdout.split(':').slice(2, 4).map(Number);
  fs.chownSync(files, uid, gid);
  let tls = false;
  const cert = path.join(dir, 'cert.pem');
  if (!spawnSync('openssl', ['version']).error) {
    const made = spawnSync('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-keyout',
      cert,
      '-out',
      cert,
    ]);
    tls = made.status === 0;
  }
  const port = await freePort();
  const config = path.join(dir, 'vsftpd.conf');
  fs.writeFileSync(
    config,
    [
      'listen=YES',
      'listen_ipv6=NO',
      'listen_address=127.0.0.1',
      `listen_port=${port}`,
      'background=NO',
      'anonymous_enable=YES',
      'no_anon_password=YES',
      `ftp_username=${ftpUser}`,
      `anon_root=${root}`,
      'write_enable=YES',
      'anon_upload_enable=YES',
      'anon_other_write_enable=YES',
      'anon_umask=077',
      'local_enable=NO',
      'pasv_enable=YES',
      `pasv_min_port=${pasvPorts[0]}`,
      `pasv_max_port=${pasvPorts[1]}`,
      'pasv_address=127.0.0.1',
      'connect_from_port_20=NO',
      'seccomp_sandbox=NO',
      'xferlog_enable=NO',
      'syslog_enable=NO',
      `vsftpd_log_file=${path.join(dir, 'vsftpd.log')}`,
      'max_clients=0',
      'max_per_ip=0',
      ...(tls
        ? [
            'ssl_enable=YES',
            'allow_anon_ssl=YES',
            'force_anon_logins_ssl=NO',
            'force_anon_data_ssl=NO',
            'force_local_logins_ssl=NO',
            'force_local_data_ssl=NO',
            'require_ssl_reuse=NO',
            'ssl_ciphers=HIGH',
            `rsa_cert_file=${cert}`,
            `rsa_private_key_file=${cert}`,
          ]
        : []),
      '',
    ].join('\n'),
  );
  ensureDir('/var/run/vsftpd', 0o755);
  ensureDir('/var/run/vsftpd/empty', 0o755); // secure_chroot_dir
  const server = await startProgram('vsftpd', binary, [config], port, /^220[ -]/);
  return {
    ok: true,
    server: {
      tls,
      name: `${version(binary, '-v', /vsftpd: version \S+/)?.replace(': version', '') ?? 'vsftpd'}`,
      pid: server.pid,
      login: 'anonymous (vsftpd checks no password)',
      forks: true,
      target: (protocol) => ({
        protocol,
        host: '127.0.0.1',
        port,
        username: 'anonymous',
        password: 'bench@',
        uploadDir: '/files',
      }),
    },
  };
}
