import { AUTH_FAILURE_REASONS } from '@gatehouse/core';
import { loginRefusalReply, loginRefusalStatus, pathRefusalReply } from './ftp-replies';

describe('FTP login refusals', () => {
  it('an unknown user and a wrong password get the very same reply', () => {
    expect(loginRefusalReply({ reason: 'unknown_credential' })).toEqual(loginRefusalReply({ reason: 'bad_secret' }));
  });

  it('every refusal is 530, a ban 421 with the time to wait; the request log gets the same code', () => {
    for (const reason of AUTH_FAILURE_REASONS) {
      const reply = loginRefusalReply({ reason, retryAfterSeconds: 60 });
      expect({ reason, code: reply.code }).toEqual({ reason, code: reason === 'banned' ? 421 : 530 });
      expect(loginRefusalStatus(reason)).toBe(String(reply.code));
      expect(reply.text).not.toMatch(/[\r\n]/);
    }
    expect(loginRefusalReply({ reason: 'banned', retryAfterSeconds: 60 }).text).toBe(
      'Too many failed logins from your address; try again in 60 seconds.',
    );
  });

  it('path refusals never say more than the client may know', () => {
    expect(pathRefusalReply('outside_tree')).toEqual(pathRefusalReply('not_allowed'));
    expect(pathRefusalReply('invalid_name').code).toBe(553);
  });
});
