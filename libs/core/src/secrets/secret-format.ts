import { Channel, SECRET_PREFIX } from '../channels/channel';
import { randomBase62, randomLowerAlnum } from './random-string';

export const GENERATED_SECRET_LENGTH = 64;
const GENERATED_BODY = /^[0-9A-Za-z]{60}$/;

/** 4-char channel prefix + 60 base62 characters (≈357 bits from the CSPRNG). */
export function generateSecret(channel: Channel): string {
  return SECRET_PREFIX[channel] + randomBase62(GENERATED_SECRET_LENGTH - 4);
}

/** True when the string has the exact shape of a secret generated for this channel. */
export function hasGeneratedShape(channel: Channel, secret: string): boolean {
  const prefix = SECRET_PREFIX[channel];
  return secret.length === GENERATED_SECRET_LENGTH && secret.startsWith(prefix) && GENERATED_BODY.test(secret.slice(4));
}

/** True when it looks like a generated secret of any channel (custom secrets may not). */
export function looksGenerated(secret: string): boolean {
  return /^gk[rhwfe]_[0-9A-Za-z]{60}$/.test(secret);
}

export function generateUsername(channel: Channel): string {
  return `${channel === 'webservice' ? 'ws' : channel}_${randomLowerAlnum(12)}`;
}

export const USERNAME_PATTERN = /^[A-Za-z0-9._@+-]{3,64}$/;
export const CUSTOM_SECRET_MIN = 12;
export const CUSTOM_SECRET_MAX = 128;

/** Last four characters, enough for an operator to tell keys apart. */
export function secretHint(secret: string): string {
  return secret.slice(-4);
}
