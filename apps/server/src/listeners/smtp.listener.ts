import { SmtpChannelModule, SmtpListener } from '@gatehouse/channels/smtp';
import type { ListenerPlan } from './listener-plan';

/**
 * The SMTP listener on `GATEHOUSE_SMTP_PORT` (and SMTPS on `GATEHOUSE_SMTPS_PORT`): email-to-SMS
 * through smtp-server, in a plain application context (it owns no HTTP server).
 */
export const SMTP_LISTENER: ListenerPlan = {
  name: 'smtp',
  modules: [SmtpChannelModule],
  listener: (app) => app.get(SmtpListener),
};
