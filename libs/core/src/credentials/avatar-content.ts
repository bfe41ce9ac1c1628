import { DomainError } from '../common/domain-error';
import { Avatar } from './credential.model';

export const MAX_AVATAR_BYTES = 256 * 1024;

/** Identifies the image by its bytes; the file name and declared type do not count. */
export function detectAvatarType(data: Buffer): Avatar['contentType'] | null {
  if (data.length >= 8 && data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
    return 'image/png';
  }
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
  if (
    data.length >= 12 &&
    data.subarray(0, 4).toString('latin1') === 'RIFF' &&
    data.subarray(8, 12).toString('latin1') === 'WEBP'
  ) {
    return 'image/webp';
  }
  return null;
}

export function checkAvatar(data: Buffer): Avatar['contentType'] {
  if (data.length === 0) throw DomainError.validation('avatar', 'body is empty');
  if (data.length > MAX_AVATAR_BYTES) {
    throw new DomainError('payload_too_large', 'payload_too_large', `avatar: at most ${MAX_AVATAR_BYTES} bytes`, {
      field: 'avatar',
      limit: MAX_AVATAR_BYTES,
    });
  }
  const type = detectAvatarType(data);
  if (!type) throw DomainError.validation('avatar', 'must be a PNG, JPEG or WebP image');
  return type;
}
