export * from './data-source';
export * from './database-ping';
export * from './entities';
export * from './migrations';
export * from './persistence.module';
export * from './unit-of-work.typeorm';
