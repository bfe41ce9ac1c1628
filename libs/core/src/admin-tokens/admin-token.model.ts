export interface AdminToken {
  id: string;
  accountId: string;
  tenantId: string;
  name: string;
  /** Last four characters of the token, to tell tokens apart. */
  tokenHint: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}
