import { DomainError } from '../common/domain-error';

/** `promise` must reject with a DomainError matching `match` (kind, code, details…). */
export async function expectDomainError(promise: Promise<unknown>, match: Record<string, unknown>): Promise<void> {
  await expect(promise).rejects.toBeInstanceOf(DomainError);
  await expect(promise).rejects.toMatchObject(match);
}

/** Runs `fn`, which must throw a DomainError, and returns that error. */
export function domainErrorOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    return err as DomainError;
  }
  throw new Error('expected a DomainError, nothing was thrown');
}
