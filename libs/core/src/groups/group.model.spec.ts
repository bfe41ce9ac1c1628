import { GROUP_SLUG_PATTERN } from './group.model';

describe('GROUP_SLUG_PATTERN', () => {
  it.each(['a', '0', 'vip', 'vip-customers', 'a1-b2-c3', '9-', 'a'.repeat(63), `a${'-'.repeat(62)}`])(
    'accepts %p',
    (slug) => {
      expect(GROUP_SLUG_PATTERN.test(slug)).toBe(true);
    },
  );

  it.each([
    '',
    '-vip',
    'VIP',
    'Vip',
    'vip_customers',
    'vip customers',
    'vip.customers',
    'a'.repeat(64),
    'ümlaut',
    'vip\n',
  ])('rejects %p', (slug) => {
    expect(GROUP_SLUG_PATTERN.test(slug)).toBe(false);
  });
});
