import { Page, PageRequest } from '../common/page';
import { RecipientGroup } from './group.model';

export interface GroupRepository {
  insert(group: RecipientGroup): Promise<void>;
  update(group: RecipientGroup): Promise<void>;
  delete(id: string): Promise<void>;
  findBySlug(accountId: string, slug: string): Promise<RecipientGroup | null>;
  findBySlugs(accountId: string, slugs: string[]): Promise<RecipientGroup[]>;
  list(accountId: string, page: PageRequest): Promise<Page<RecipientGroup>>;
}
export const GROUP_REPOSITORY = Symbol('GroupRepository');
