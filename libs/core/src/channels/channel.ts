export const CHANNELS = ['ftp', 'rest', 'http', 'webservice', 'email'] as const;
export type Channel = (typeof CHANNELS)[number];

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && (CHANNELS as readonly string[]).includes(value);
}

/** Recognisable prefixes of generated secrets, so a leaked key can be attributed at a glance. */
export const SECRET_PREFIX: Record<Channel, string> = {
  rest: 'gkr_',
  http: 'gkh_',
  webservice: 'gkw_',
  ftp: 'gkf_',
  email: 'gke_',
};

/** Channels where clients may bring their own username/secret (legacy clients); REST keys are always generated. */
export function allowsCustomSecret(channel: Channel): boolean {
  return channel !== 'rest';
}

/** The four channels a legacy master account starts with. */
export const LEGACY_CHANNELS: readonly Channel[] = ['ftp', 'http', 'email', 'webservice'];
