import { SoapFault } from './soap-fault';
import { SoapFields, isRecord, own, textOf } from './soap-fields';

export interface SoapLogin {
  username: string;
  password: string;
}

interface Presented {
  username?: string;
  password?: string;
}

/** Generated clients often send every element, empty ones included: empty means not given. */
const given = (value: string | undefined): string | undefined =>
  value === undefined || value.trim() === '' ? undefined : value;

/**
 * The login of a request: the `username`/`password` elements, or a WS-Security UsernameToken.
 * Both at once is refused (`ambiguous_credentials`) instead of letting one win: a client that
 * sends two logins has a bug, and picking one could bill its messages to the wrong account.
 */
export function soapLogin(fields: SoapFields, header: unknown): SoapLogin {
  const inBody: Presented = { username: given(fields.text('username')), password: given(fields.text('password')) };
  const token = usernameToken(header);
  if (token && (inBody.username !== undefined || inBody.password !== undefined)) {
    throw SoapFault.client(
      'ambiguous_credentials',
      'send username and password either as request elements or as a WS-Security UsernameToken, not both',
    );
  }
  const { username, password } = token ?? inBody;
  if (username === undefined || password === undefined) {
    throw SoapFault.client(
      'unauthorized',
      'username and password are required (request elements or a WS-Security UsernameToken)',
    );
  }
  return { username, password };
}

/** `wsse:Security/wsse:UsernameToken` (`Username`, `Password` of Type PasswordText); null when absent. */
function usernameToken(header: unknown): Presented | null {
  const security = isRecord(header) ? own(header, 'Security') : undefined;
  if (security === undefined || security === null) return null;
  const invalidHeader = () =>
    SoapFault.client('invalid_security_header', 'expected one wsse:Security header with one wsse:UsernameToken');
  if (!isRecord(security)) throw invalidHeader();
  const token = own(security, 'UsernameToken');
  if (token === undefined || token === null) return null;
  if (!isRecord(token)) throw invalidHeader();
  const password = own(token, 'Password');
  const attributes = isRecord(password) ? own(password, 'attributes') : undefined;
  const type = isRecord(attributes) ? own(attributes, 'Type') : undefined;
  // No Type means PasswordText (WSS UsernameToken Profile 1.0 §4.1). A digest needs the plain
  // secret on our side, and secrets are only stored hashed.
  if (type !== undefined && !(typeof type === 'string' && type.endsWith('#PasswordText'))) {
    throw SoapFault.client('unsupported_password_type', 'only PasswordText UsernameTokens are supported');
  }
  return {
    username: given(textOf(own(token, 'Username'), 'Username')),
    password: given(textOf(password, 'Password')),
  };
}
