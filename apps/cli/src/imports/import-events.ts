/** The events `POST /admin/v1/import` streams, one JSON object per line (see the server's ImportEvent). */
export interface ImportCountsView {
  created: number;
  updated: number;
  unchanged: number;
  refused: number;
}

export interface ImportSummaryView {
  type: 'summary';
  dryRun: boolean;
  lines: number;
  accounts: ImportCountsView;
  credentials: ImportCountsView;
}

interface IssuedCredentialView {
  credential: { id: string; channel: string; username: string };
  secret: string | null;
  postbackSigningSecret?: string;
}

export type ImportEventView =
  | { type: 'progress'; lines: number; accounts: number }
  | { type: 'refused'; line: number; externalId?: string; error: { code: string; message: string } }
  | { type: 'issued'; line: number; externalId: string; accountId: string; credentials: IssuedCredentialView[] }
  | { type: 'error'; error: { code: string; message: string } }
  | ImportSummaryView;

/** One secret the import generated: what an operator needs to hand it over. */
export interface IssuedSecret {
  line: number;
  externalId: string;
  accountId: string;
  credentialId: string;
  channel: string;
  username: string;
  secret: string | null;
  postbackSigningSecret?: string;
}

export function issuedSecrets(event: Extract<ImportEventView, { type: 'issued' }>): IssuedSecret[] {
  return event.credentials.map((c) => ({
    line: event.line,
    externalId: event.externalId,
    accountId: event.accountId,
    credentialId: c.credential.id,
    channel: c.credential.channel,
    username: c.credential.username,
    secret: c.secret,
    ...(c.postbackSigningSecret ? { postbackSigningSecret: c.postbackSigningSecret } : {}),
  }));
}
