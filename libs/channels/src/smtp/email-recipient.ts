/** What RCPT TO is told when a recipient is refused: a permanent 5xx, never a relay. */
export interface RecipientRefusal {
  code: 550 | 553;
  text: string;
}

export type RecipientCheck = { ok: true; number: string } | ({ ok: false } & RecipientRefusal);

/** E.164 (`+` and up to 15 digits, no leading zero) or plain digits as a national number. */
const E164 = /^\+[1-9][0-9]{6,14}$/;
const DIGITS = /^[0-9]{3,15}$/;

/**
 * Checks one `RCPT TO` address (DESIGN.md §2, `email` row): `<number>@<sms domain>` becomes a
 * recipient, the domain compared ASCII case-insensitively. Every other address is refused at
 * RCPT, so nothing is ever relayed — whatever the form of the attempt: another domain, an IP
 * literal, a source route (`@relay:user@host`), a `%`-hack or `!`-path in the local part, a
 * quoted local part. Only an address that is exactly digits at our domain gets through.
 */
export function checkRecipient(address: string, smsDomain: string): RecipientCheck {
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) {
    return { ok: false, code: 553, text: 'Recipient address is not of the form <number>@domain.' };
  }
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (domain.toLowerCase() !== smsDomain || local.includes('@') || address.startsWith('@')) {
    return { ok: false, code: 550, text: `Relaying denied: this server only accepts mail for @${smsDomain}.` };
  }
  if (!E164.test(local) && !DIGITS.test(local)) {
    return {
      ok: false,
      code: 550,
      text: `Recipient is not a phone number: use <number>@${smsDomain}, the number in E.164 (+447700900123) or digits.`,
    };
  }
  return { ok: true, number: local };
}
