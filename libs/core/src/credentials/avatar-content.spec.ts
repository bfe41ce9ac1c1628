import { domainErrorOf } from '../testing';
import { MAX_AVATAR_BYTES, checkAvatar, detectAvatarType } from './avatar-content';

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(32, 1)]);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(32, 2)]);
const WEBP = Buffer.concat([
  Buffer.from('RIFF', 'latin1'),
  Buffer.from([0x24, 0, 0, 0]),
  Buffer.from('WEBPVP8 ', 'latin1'),
  Buffer.alloc(32, 3),
]);
const GIF = Buffer.concat([Buffer.from('GIF89a', 'latin1'), Buffer.alloc(32, 4)]);

describe('detectAvatarType', () => {
  it('recognises PNG, JPEG and WebP by their magic bytes', () => {
    expect(detectAvatarType(PNG)).toBe('image/png');
    expect(detectAvatarType(JPEG)).toBe('image/jpeg');
    expect(detectAvatarType(WEBP)).toBe('image/webp');
  });

  it('recognises nothing else', () => {
    expect(detectAvatarType(GIF)).toBeNull();
    expect(detectAvatarType(Buffer.from('hello, I am an image.png honestly'))).toBeNull();
    expect(detectAvatarType(Buffer.alloc(0))).toBeNull();
    // Truncated magic
    expect(detectAvatarType(PNG.subarray(0, 7))).toBeNull();
    expect(detectAvatarType(JPEG.subarray(0, 2))).toBeNull();
    // RIFF container that is not WebP (e.g. WAV)
    const wav = Buffer.concat([
      Buffer.from('RIFF'),
      Buffer.from([0, 0, 0, 0]),
      Buffer.from('WAVEfmt '),
      Buffer.alloc(8),
    ]);
    expect(detectAvatarType(wav)).toBeNull();
  });
});

describe('checkAvatar', () => {
  it('returns the detected content type', () => {
    expect(checkAvatar(PNG)).toBe('image/png');
    expect(checkAvatar(JPEG)).toBe('image/jpeg');
    expect(checkAvatar(WEBP)).toBe('image/webp');
  });

  it.each([
    ['a GIF', GIF],
    ['text', Buffer.from('just some text, not an image')],
  ])('refuses %s as a validation error', (_label, data) => {
    const err = domainErrorOf(() => checkAvatar(data));
    expect(err.kind).toBe('validation');
    expect(err.details).toMatchObject({ field: 'avatar' });
  });

  it('refuses an empty body', () => {
    const err = domainErrorOf(() => checkAvatar(Buffer.alloc(0)));
    expect(err.kind).toBe('validation');
    expect(err.message).toContain('empty');
  });

  it('accepts exactly 256 KiB and refuses one byte more as payload_too_large', () => {
    expect(MAX_AVATAR_BYTES).toBe(256 * 1024);
    const exact = Buffer.concat([PNG, Buffer.alloc(MAX_AVATAR_BYTES - PNG.length)]);
    expect(checkAvatar(exact)).toBe('image/png');
    const err = domainErrorOf(() => checkAvatar(Buffer.concat([exact, Buffer.alloc(1)])));
    expect(err.kind).toBe('payload_too_large');
    expect(err.details).toMatchObject({ field: 'avatar', limit: MAX_AVATAR_BYTES });
  });
});
