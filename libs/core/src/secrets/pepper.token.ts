/** The server pepper (key of every HMAC), resolved at start-up from env or the data dir. */
export const PEPPER = Symbol('Pepper');
