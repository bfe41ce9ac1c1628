export type AccountKind = 'master' | 'sub';
export type AccountStatus = 'active' | 'suspended';

export interface Account {
  id: string;
  kind: AccountKind;
  parentId: string | null;
  /** The master's id (its own for a master): every tenant-scoped row carries it. */
  tenantId: string;
  name: string;
  externalId: string | null;
  status: AccountStatus;
  createdAt: Date;
  updatedAt: Date;
}
