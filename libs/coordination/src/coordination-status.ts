/** Whether this node shares its state with the others: `off` without REDIS_URL. */
export type RedisStatus = 'off' | 'ok' | 'unavailable';

/** Read by readiness (`/health`) and `/metrics`. */
export interface CoordinationStatus {
  redis(): RedisStatus;
}
export const COORDINATION_STATUS = Symbol('CoordinationStatus');
