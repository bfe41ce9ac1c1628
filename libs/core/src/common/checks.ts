import { DomainError } from './domain-error';

const NAME_MAX_CODE_POINTS = 100;

const WHITE_SPACE = /^\p{White_Space}$/u;
// With the `u` flag a well-formed surrogate pair is one code point, so \p{Cs} only sees lone halves.
const LONE_SURROGATE = /\p{Cs}/u;
// Controls (C0/C1: NUL, CR/LF, TAB, ESC of ANSI sequences, DEL…), line/paragraph separators and
// format characters (bidi overrides/isolates/marks, BOM, soft hyphen…). ZWNJ/ZWJ stay: emoji
// sequences (👩‍💻) and Indic scripts need them.
const FORBIDDEN = /(?![\u200C\u200D])[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;
// Tag characters (Cf) are only allowed as the tail of an emoji tag sequence (subdivision flags
// like 🏴󠁧󠁢󠁳󠁣󠁴󠁿); anywhere else they are invisible text ("ASCII smuggling").
const EMOJI_TAG_SEQUENCE = /(\p{Extended_Pictographic}\uFE0F?)([\u{E0020}-\u{E007E}]+\u{E007F})/gu;
// Something a reader can see: not whitespace, not a zero-width or filler character (U+200B, U+3164…).
const VISIBLE = /[^\p{White_Space}\p{Default_Ignorable_Code_Point}]/u;

function codePointLabel(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Up to three distinct offenders as U+XXXX, so an error never echoes a raw control character. */
function listCodePoints(chars: Iterable<string>): string {
  const labels = [...new Set([...chars].map(codePointLabel))];
  return labels.length > 3 ? `${labels.slice(0, 3).join(', ')}, …` : labels.join(', ');
}

/**
 * Display names everywhere (accounts, credentials, groups, admin tokens): trimmed of whitespace,
 * 1–100 Unicode code points (not UTF-16 units: an astral emoji counts once, as MySQL utf8mb4
 * varchar(100) counts it), no control or format characters, at least one visible character.
 */
export function checkName(value: string, field = 'name'): string {
  const chars = [...value];
  let start = 0;
  let end = chars.length;
  // A loop, not /\s+$/: that regex backtracks quadratically on long whitespace runs.
  while (start < end && WHITE_SPACE.test(chars[start])) start++;
  while (end > start && WHITE_SPACE.test(chars[end - 1])) end--;
  const trimmed = chars.slice(start, end);
  if (trimmed.length === 0) throw DomainError.validation(field, 'must not be blank');
  if (trimmed.length > NAME_MAX_CODE_POINTS) {
    throw DomainError.validation(
      field,
      `must be at most ${NAME_MAX_CODE_POINTS} characters (Unicode code points), got ${trimmed.length}`,
    );
  }
  const name = trimmed.join('');

  const lone = trimmed.filter((c) => LONE_SURROGATE.test(c));
  if (lone.length > 0) {
    throw DomainError.validation(field, `must be well-formed Unicode text (lone surrogate ${listCodePoints(lone)})`, {
      invalid: [...new Set(lone.map(codePointLabel))],
    });
  }

  const withoutFlagTags = name.replace(EMOJI_TAG_SEQUENCE, (_seq, base: string) => base);
  const forbidden = withoutFlagTags.match(FORBIDDEN);
  if (forbidden) {
    throw DomainError.validation(
      field,
      `must not contain control or format characters (${listCodePoints(forbidden)})`,
      {
        invalid: [...new Set(forbidden.map(codePointLabel))],
      },
    );
  }

  if (!VISIBLE.test(name)) {
    throw DomainError.validation(field, 'must contain at least one visible character (not only blank or zero-width)');
  }
  return name;
}
