export * from './file-channel';
export * from './account-trees';
export * from './batch-files';
export * from './files.module';
export * from './account-tree-janitor';
