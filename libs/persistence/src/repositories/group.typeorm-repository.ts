import { In } from 'typeorm';
import { GroupRepository, Page, PageRequest, RecipientGroup, toPage } from '@gatehouse/core';
import { RecipientGroupEntity } from '../entities/group.entity';
import { TypeOrmUnitOfWork } from '../unit-of-work.typeorm';
import { applyPage } from './query-helpers';

export class TypeOrmGroupRepository implements GroupRepository {
  constructor(private readonly uow: TypeOrmUnitOfWork) {}

  private get repo() {
    return this.uow.manager().getRepository(RecipientGroupEntity);
  }

  async insert(group: RecipientGroup): Promise<void> {
    await this.repo.insert({ ...group });
  }

  async update(group: RecipientGroup): Promise<void> {
    await this.repo.update({ id: group.id }, { slug: group.slug, name: group.name, updatedAt: group.updatedAt });
  }

  async delete(id: string): Promise<void> {
    await this.repo.delete({ id });
  }

  async findBySlug(accountId: string, slug: string): Promise<RecipientGroup | null> {
    const row = await this.repo.findOne({ where: { accountId, slug } });
    return row ? { ...row } : null;
  }

  async findBySlugs(accountId: string, slugs: string[]): Promise<RecipientGroup[]> {
    return (await this.repo.find({ where: { accountId, slug: In(slugs) } })).map((r) => ({ ...r }));
  }

  async list(accountId: string, page: PageRequest): Promise<Page<RecipientGroup>> {
    const qb = this.repo.createQueryBuilder('g').where('g.account_id = :accountId', { accountId });
    const rows = await applyPage(qb, 'g', page).getMany();
    return toPage(
      rows.map((r) => ({ ...r })),
      page.limit,
    );
  }
}
