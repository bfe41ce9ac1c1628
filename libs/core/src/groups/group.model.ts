export interface RecipientGroup {
  id: string;
  accountId: string;
  tenantId: string;
  slug: string;
  name: string;
  createdAt: Date;
  updatedAt: Date;
}

export const GROUP_SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
