import { checkName } from './checks';
import { DomainError } from './domain-error';

/** The DomainError checkName throws for `value` (fails the test if it does not throw one). */
function refusal(value: string, field?: string): DomainError {
  try {
    checkName(value, field);
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error(`checkName accepted ${JSON.stringify(value)}`);
}

const EMOJI = '\u{1F600}'; // 😀, astral: two UTF-16 units, one code point
const FAMILY = '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}'; // 👨‍👩‍👧 (ZWJ sequence)
const TECHNOLOGIST = '\u{1F469}\u200D\u{1F4BB}'; // 👩‍💻
const SCOTLAND = '\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}'; // 🏴󠁧󠁢󠁳󠁣󠁴󠁿

describe('checkName', () => {
  describe('refuses control and format characters, naming the code point', () => {
    it.each([
      ['NUL', 'a\u0000b', 'U+0000'],
      ['CR/LF', 'line1\r\nline2', 'U+000D, U+000A'],
      ['LF', 'a\nb', 'U+000A'],
      ['TAB inside', 'a\tb', 'U+0009'],
      ['ANSI escape', '\u001b[31mred\u001b[0m', 'U+001B'],
      ['DEL', 'a\u007fb', 'U+007F'],
      ['C1 NEL', 'a\u0085b', 'U+0085'],
      ['C1 CSI', 'a\u009bb', 'U+009B'],
      ['line separator', 'a\u2028b', 'U+2028'],
      ['paragraph separator', 'a\u2029b', 'U+2029'],
      ['bidi override RLO', 'invoice\u202Efdp.exe', 'U+202E'],
      ['bidi embedding LRE', 'a\u202Ab', 'U+202A'],
      ['bidi isolate RLI…PDI', 'a\u2067b\u2069', 'U+2067, U+2069'],
      ['LRM', 'a\u200Eb', 'U+200E'],
      ['RLM', 'a\u200Fb', 'U+200F'],
      ['Arabic letter mark', 'a\u061Cb', 'U+061C'],
      ['BOM', '\uFEFFname', 'U+FEFF'],
      ['word joiner', 'a\u2060b', 'U+2060'],
      ['zero-width space', 'a\u200Bb', 'U+200B'],
      ['soft hyphen', 'pass\u00ADword', 'U+00AD'],
      ['interlinear annotation', 'a\uFFF9b\uFFFAc\uFFFB', 'U+FFF9, U+FFFA, U+FFFB'],
      ['tag characters outside a flag', 'hi\u{E0041}\u{E0042}', 'U+E0041, U+E0042'],
    ])('%s', (_label, value, codePoints) => {
      const err = refusal(value);
      expect(err.kind).toBe('validation');
      expect(err.code).toBe('validation_failed');
      expect(err.details).toEqual({ field: 'name', invalid: codePoints.split(', ') });
      expect(err.message).toBe(`name: must not contain control or format characters (${codePoints})`);
    });

    it('lists at most three code points in the message, and never echoes the raw characters', () => {
      const err = refusal('a\u0001\u0002\u0003\u0004\u001bz');
      expect(err.message).toBe('name: must not contain control or format characters (U+0001, U+0002, U+0003, …)');
      // eslint-disable-next-line no-control-regex
      expect(err.message).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
      expect(err.details).toMatchObject({ invalid: ['U+0001', 'U+0002', 'U+0003', 'U+0004', 'U+001B'] });
    });

    it('names the field it was given', () => {
      const err = refusal('a\u0000', 'displayName');
      expect(err.message).toMatch(/^displayName: /);
      expect(err.details).toMatchObject({ field: 'displayName' });
    });
  });

  it('refuses a lone surrogate (not well-formed UTF-16)', () => {
    for (const value of ['\uD800', 'ab\uDC00', `x\uD83D`]) {
      const err = refusal(value);
      expect(err.message).toMatch(/^name: must be well-formed Unicode text \(lone surrogate U\+D[89A-F][0-9A-F]{2}\)$/);
    }
  });

  describe('refuses blank and invisible-only names', () => {
    it.each([
      ['empty', ''],
      ['spaces', '   '],
      ['whitespace incl. tab and newline', ' \t\n\r '],
      ['ideographic and no-break spaces', '\u3000\u00A0'],
    ])('%s → blank', (_label, value) => {
      expect(refusal(value).message).toBe('name: must not be blank');
    });

    it.each([
      ['Hangul filler', '\u3164'],
      ['Hangul fillers among spaces', ' \u3164\u3164 '],
      ['lone ZWJ between spaces', ' \u200D '],
      ['ZWNJ and ZWJ only', '\u200C\u200D'],
      ['variation selectors only', '\uFE0F\uFE0E'],
      ['combining grapheme joiner', '\u034F'],
      ['Hangul half-width filler', '\uFFA0'],
    ])('%s → no visible character', (_label, value) => {
      expect(refusal(value).message).toBe(
        'name: must contain at least one visible character (not only blank or zero-width)',
      );
    });

    it('zero-width spaces only are refused (they are format characters)', () => {
      expect(refusal('\u200B\u200B').details).toEqual({ field: 'name', invalid: ['U+200B'] });
    });
  });

  describe('counts Unicode code points, not UTF-16 units', () => {
    it('100 astral emoji (200 UTF-16 units) pass, 101 fail', () => {
      const hundred = EMOJI.repeat(100);
      expect(hundred).toHaveLength(200);
      expect(checkName(hundred)).toBe(hundred);
      expect(refusal(EMOJI.repeat(101)).message).toBe(
        'name: must be at most 100 characters (Unicode code points), got 101',
      );
    });

    it('50 and 51 emoji both pass (the old limit counted UTF-16 units)', () => {
      expect(checkName(EMOJI.repeat(50))).toBe(EMOJI.repeat(50));
      expect(checkName(EMOJI.repeat(51))).toBe(EMOJI.repeat(51));
    });

    it('100 ASCII characters pass, 101 fail', () => {
      expect(checkName('n'.repeat(100))).toBe('n'.repeat(100));
      expect(refusal('n'.repeat(101)).details).toEqual({ field: 'name' });
    });

    it('the limit applies after trimming', () => {
      expect(checkName(`   ${EMOJI.repeat(100)}\n `)).toBe(EMOJI.repeat(100));
    });
  });

  describe('accepts real names', () => {
    it.each([
      ['ZWJ family emoji', `${FAMILY} Family`],
      ['ZWJ technologist', `${TECHNOLOGIST} dev team`],
      ['subdivision flag (tag sequence)', `${SCOTLAND} Glasgow office`],
      ['two flags in a row', `${SCOTLAND}${SCOTLAND}`],
      ['flag with variation selector', '\u{1F3F4}\uFE0F\u{E0067}\u{E0062}\u{E0077}\u{E006C}\u{E0073}\u{E007F}'],
      ['accented', 'Société Générale — Zürich'],
      ['CJK', '東京支店の請求システム'],
      ['Hangul', '한국 지사'],
      ['Arabic (right-to-left without controls)', 'شركة الاتصالات'],
      ['Devanagari with ZWJ', 'क्\u200Dष'],
      ['Persian with ZWNJ', 'می\u200Cخواهم'],
      ['emoji with skin tone and VS16', '\u{1F44D}\u{1F3FD} \u2764\uFE0F'],
      ['inner no-break space', 'Acme\u00A0Ltd'],
      ['combining accents', 'Cafe\u0301'],
    ])('%s', (_label, value) => {
      expect(checkName(value)).toBe(value);
    });

    it('trims whitespace at both ends and keeps inner spaces', () => {
      expect(checkName('  Billing   system  ')).toBe('Billing   system');
      expect(checkName('\u3000\u00A0Acme Ltd\n')).toBe('Acme Ltd');
      expect(checkName(`\t${FAMILY}\r\n`)).toBe(FAMILY);
    });

    it('a one-character name passes', () => {
      expect(checkName('x')).toBe('x');
    });
  });
});
