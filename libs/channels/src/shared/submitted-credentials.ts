/** What a client presented: a bare key (`Bearer`) or a username and secret (`Basic`, form fields). */
export interface SubmittedCredentials {
  username: string | null;
  secret: string;
}

/** `Authorization: Bearer <key>` or `Authorization: Basic base64(username:secret)`; null when neither. */
export function fromAuthorizationHeader(header: string | undefined): SubmittedCredentials | null {
  if (!header) return null;
  const bearer = /^Bearer ([\x21-\x7e]{1,512})$/i.exec(header);
  if (bearer) return { username: null, secret: bearer[1] };
  const basic = /^Basic ([A-Za-z0-9+/=]{1,1400})$/i.exec(header);
  if (!basic) return null;
  const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return null;
  return { username: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}
