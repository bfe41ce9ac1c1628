import { SoapFault } from './soap-fault';

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** An own property only: parsed XML must never reach inherited ones. */
export const own = (record: Record<string, unknown>, name: string): unknown =>
  Object.hasOwn(record, name) ? record[name] : undefined;

/**
 * The text of one element as the `soap` package parsed it: a string, or `{attributes, $value}`
 * when the element carries attributes (`xsi:type`…). Absent or nil → undefined. An element given
 * twice, or one holding elements, is refused.
 */
export function textOf(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (isRecord(value)) {
    const keys = Object.keys(value).filter((key) => key !== 'attributes');
    if (keys.length === 0) return '';
    if (keys.length === 1 && keys[0] === '$value' && typeof value.$value === 'string') return value.$value;
  }
  throw SoapFault.client('validation_failed', `${name}: must be given once, as text`);
}

/** The child elements of an operation's request element. */
export class SoapFields {
  private constructor(private readonly values: Record<string, unknown>) {}

  /** `<SendMessage/>` parses to null: no fields. */
  static of(args: unknown): SoapFields {
    return new SoapFields(isRecord(args) ? args : {});
  }

  text(name: string): string | undefined {
    return textOf(own(this.values, name), name);
  }

  /** A comma-separated element (`to`, `groups`), blanks dropped. */
  list(name: string): string[] | undefined {
    return this.text(name)
      ?.split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0);
  }
}
