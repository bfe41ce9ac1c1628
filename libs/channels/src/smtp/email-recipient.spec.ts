import { checkRecipient } from './email-recipient';

const DOMAIN = 'sms.example';

describe('checkRecipient', () => {
  it.each([
    ['+447700900123@sms.example', '+447700900123'],
    ['447700900123@SMS.Example', '447700900123'],
    ['07700900123@sms.example', '07700900123'],
  ])('%s is the recipient %s', (address, number) => {
    expect(checkRecipient(address, DOMAIN)).toEqual({ ok: true, number });
  });

  it.each([
    ['another domain', '+447700900123@example.com'],
    ['a sub-domain of ours', '+447700900123@x.sms.example'],
    ['an IP literal', '+447700900123@[127.0.0.1]'],
    ['a source route', '@sms.example:+447700900123@example.com'],
    ['a %-hack', '+447700900123%example.com@sms.example'],
    ['a quoted local part', '"+447700900123@example.com"@sms.example'],
    ['a bang path', 'example.com!+447700900123@sms.example'],
  ])('%s is refused, never relayed', (_label, address) => {
    const check = checkRecipient(address, DOMAIN);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.code).toBe(550);
  });

  it.each(['+44 7700 900123', '+0447700900123', '+1234567890123456', '12', 'alice', '+44-7700-900123'])(
    '%s is not a number it takes',
    (local) => {
      expect(checkRecipient(`${local}@${DOMAIN}`, DOMAIN)).toEqual({
        ok: false,
        code: 550,
        text: expect.stringMatching(/^Recipient is not a phone number/),
      });
    },
  );

  it('an address without a domain is a syntax error (553)', () => {
    expect(checkRecipient('+447700900123', DOMAIN)).toMatchObject({ ok: false, code: 553 });
    expect(checkRecipient('+447700900123@', DOMAIN)).toMatchObject({ ok: false, code: 553 });
  });
});
