export * from './sftp-channel.module';
export * from './sftp.listener';
export { GENERATED_HOST_KEY_FILE, HostKeyError, hostKeyFingerprint } from './sftp-host-key';
export { HOST_KEY_TYPES, SSH_KEX } from './ssh-algorithms';
export { LOGIN_GRACE_MS, MAX_AUTH_ATTEMPTS } from './ssh-connection';
export { MAX_OPEN_HANDLES } from './sftp-file-session';
export { LOG_STATUS as SFTP_LOG_STATUS } from './sftp-statuses';
