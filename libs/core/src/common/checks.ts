import { DomainError } from './domain-error';

/** Display names everywhere: trimmed, 1–100 characters. */
export function checkName(value: string, field = 'name'): string {
  const name = value.trim();
  if (name.length < 1 || name.length > 100) throw DomainError.validation(field, 'must be 1-100 characters');
  return name;
}
