export * from './smtp-channel.module';
export * from './smtp.listener';
export { checkRecipient } from './email-recipient';
export { GROUPS_HEADER, MailUnreadable, readMail } from './mail-text';
