export * from './coordination.module';
export * from './in-memory/in-memory-peer-ban-list';
export * from './in-memory/in-process-change-notifier';
