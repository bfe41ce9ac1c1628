import type { ListenerName } from '@gatehouse/config';
import type { ListenerPlan } from './listener-plan';

/**
 * Every listener this build has, each loaded on demand: a process whose GATEHOUSE_LISTENERS does
 * not name `http` never loads Fastify, the admin API or the HTTP channels, and so on for the
 * others.
 */
const PLANS: Partial<Record<ListenerName, () => Promise<ListenerPlan>>> = {
  http: async () => (await import('./http.listener')).HTTP_LISTENER,
  ftp: async () => (await import('./ftp.listener')).FTP_LISTENER,
  sftp: async () => (await import('./sftp.listener')).SFTP_LISTENER,
  smtp: async () => (await import('./smtp.listener')).SMTP_LISTENER,
};

export interface LoadedPlans {
  plans: ListenerPlan[];
  /** Named in GATEHOUSE_LISTENERS but not part of this build. */
  unavailable: ListenerName[];
}

export async function loadListenerPlans(names: readonly ListenerName[]): Promise<LoadedPlans> {
  const plans: ListenerPlan[] = [];
  const unavailable: ListenerName[] = [];
  for (const name of names) {
    const load = PLANS[name];
    if (load) plans.push(await load());
    else unavailable.push(name);
  }
  return { plans, unavailable };
}
