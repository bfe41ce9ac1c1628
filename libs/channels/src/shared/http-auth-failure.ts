import { RefusalReason, assertUnreachable } from '@gatehouse/core';

export interface HttpAuthFailure {
  status: number;
  code: string;
  message: string;
}

/** The authenticator's reasons in HTTP words, shared by the REST, HTTP and SOAP channels. */
export function httpAuthFailure(reason: RefusalReason): HttpAuthFailure {
  switch (reason) {
    case 'unknown_credential':
    case 'bad_secret':
      // One answer for both: a client must not learn which usernames exist.
      return { status: 401, code: 'invalid_credentials', message: 'invalid credentials' };
    case 'expired':
      return { status: 401, code: 'credential_expired', message: 'this credential has expired' };
    case 'disabled':
      return { status: 403, code: 'credential_disabled', message: 'this credential is blocked' };
    case 'account_suspended':
      return { status: 403, code: 'account_suspended', message: 'the account is suspended' };
    case 'ip_not_allowed':
      return { status: 403, code: 'ip_not_allowed', message: 'your address is not allowed for this credential' };
    case 'banned':
      return { status: 429, code: 'banned', message: 'too many failed logins from your address; try later' };
    case 'rate_limited':
      return { status: 429, code: 'rate_limited', message: "over this credential's rate limit; try later" };
    default:
      return assertUnreachable(reason);
  }
}

export const httpFailureStatus = (reason: RefusalReason): string => String(httpAuthFailure(reason).status);
