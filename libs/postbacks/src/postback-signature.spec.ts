import { createHmac } from 'node:crypto';
import { signPostback, verifyPostbackSignature } from './postback-signature';

describe('postback signature', () => {
  const secret = 'whsec_0123456789abcdef0123456789abcdef0123456789abcdef0123456789ab';
  const body = '{"id":"d1","type":"submission.accepted","data":{"body":"héllo"}}';
  const t = 1_700_000_000;

  it('is t=<unix>,v1=<hex HMAC-SHA256 of "t.body"> keyed with the whole whsec_ string', () => {
    const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    expect(signPostback(secret, t, body)).toBe(`t=${t},v1=${expected}`);
    expect(signPostback(secret, t, body)).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
  });

  it('verifies within the tolerance, on either side of the clock', () => {
    const header = signPostback(secret, t, body);
    expect(verifyPostbackSignature(secret, header, body, 300, t)).toBe(true);
    expect(verifyPostbackSignature(secret, header, body, 300, t + 300)).toBe(true);
    expect(verifyPostbackSignature(secret, header, body, 300, t - 300)).toBe(true);
  });

  it('refuses a timestamp outside the tolerance (replay)', () => {
    const header = signPostback(secret, t, body);
    expect(verifyPostbackSignature(secret, header, body, 300, t + 301)).toBe(false);
    expect(verifyPostbackSignature(secret, header, body, 300, t - 301)).toBe(false);
  });

  it('refuses a tampered body, a wrong secret and a re-stamped header', () => {
    const header = signPostback(secret, t, body);
    expect(verifyPostbackSignature(secret, header, body.replace('héllo', 'hello'), 300, t)).toBe(false);
    expect(verifyPostbackSignature(secret, header, `${body} `, 300, t)).toBe(false);
    expect(verifyPostbackSignature(`${secret}x`, header, body, 300, t)).toBe(false);
    expect(verifyPostbackSignature(secret.slice(6), header, body, 300, t)).toBe(false);
    const restamped = header.replace(`t=${t}`, `t=${t + 1}`);
    expect(verifyPostbackSignature(secret, restamped, body, 300, t)).toBe(false);
  });

  it('accepts any matching v1 among several, in any order', () => {
    const good = signPostback(secret, t, body).split(',')[1];
    const other = signPostback('whsec_other', t, body).split(',')[1];
    expect(verifyPostbackSignature(secret, `t=${t},${other},${good}`, body, 300, t)).toBe(true);
    expect(verifyPostbackSignature(secret, `${good}, t=${t}`, body, 300, t)).toBe(true);
  });

  it.each([
    [undefined],
    [''],
    ['garbage'],
    [`t=${t}`],
    ['v1=' + 'a'.repeat(64)],
    [`t=abc,v1=${'a'.repeat(64)}`],
    [`t=${t},v1=${'a'.repeat(63)}`],
    [`t=${t},v0=${'a'.repeat(64)}`],
  ])('refuses the malformed header %p', (header) => {
    expect(verifyPostbackSignature(secret, header, body, 300, t)).toBe(false);
  });
});
