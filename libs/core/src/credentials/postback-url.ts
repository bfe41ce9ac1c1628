import { DomainError } from '../common/domain-error';
import { isPublicAddress, parseIp } from '../network/ip';

const MAX_URL_LENGTH = 2048;

/**
 * Checks a postback URL when it is saved. Literal loopback/private/link-local addresses and
 * `localhost` names are refused unless private postbacks are allowed; names that resolve to
 * such addresses are caught again at delivery time, when the address is actually dialled.
 */
export function validatePostbackUrl(value: string, allowPrivate: boolean): string {
  const field = 'postbackUrl';
  if (value.length > MAX_URL_LENGTH) throw DomainError.validation(field, `at most ${MAX_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw DomainError.validation(field, 'is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw DomainError.validation(field, 'must be an http or https URL');
  }
  if (url.username || url.password) throw DomainError.validation(field, 'must not contain credentials');
  if (!allowPrivate && isPrivateTarget(url.hostname)) {
    throw DomainError.validation(field, 'points at a loopback or private address', { code: 'private_address' });
  }
  return url.toString();
}

export function isPrivateTarget(hostname: string): boolean {
  // Brackets of IPv6 literals and the trailing dot of a fully qualified name (`localhost.`) go.
  const host = hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.+$/, '')
    .toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local') || host.endsWith('.internal')) {
    return true;
  }
  const ip = parseIp(host);
  if (ip) return !isPublicAddress(ip);
  // A bare number or other form WHATWG URL turned into an address is already dotted here.
  return false;
}
