import { TestApp, TestAppOptions, startTestApp } from './test-app';

/**
 * The real app with the file channel's storage (FilesModule: jailed trees and batch files), which
 * the `sftp` listener brings along, so a test can upload through `BATCH_FILES` and read the
 * result back through the admin API. The SFTP listener binds a free loopback port.
 */
export function startFilesTestApp(env: Record<string, string> = {}, options: TestAppOptions = {}): Promise<TestApp> {
  return startTestApp({ GATEHOUSE_LISTENERS: 'http,sftp', GATEHOUSE_SFTP_PORT: '0', ...env }, options);
}
