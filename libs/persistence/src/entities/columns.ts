import { Column, ColumnOptions, ValueTransformer } from 'typeorm';

/**
 * Timestamps are stored as epoch milliseconds in BIGINT: identical on SQLite and MySQL,
 * no time-zone conversion anywhere, millisecond precision on both.
 */
const epochMs: ValueTransformer = {
  to: (value: Date | null | undefined) => (value instanceof Date ? value.getTime() : value),
  from: (value: string | number | null) => (value === null || value === undefined ? null : new Date(Number(value))),
};

export function TimestampColumn(options: Omit<ColumnOptions, 'type' | 'transformer'> = {}): PropertyDecorator {
  return Column({ ...options, type: 'bigint', transformer: epochMs });
}

/** JSON kept in a TEXT column (portable; MariaDB's JSON is an alias with a check constraint). */
export function JsonTextColumn(options: Omit<ColumnOptions, 'type' | 'transformer'> = {}): PropertyDecorator {
  return Column({
    ...options,
    type: 'text',
    transformer: {
      to: (value: unknown) => (value === undefined ? undefined : JSON.stringify(value)),
      from: (value: string | null) => (value === null ? null : (JSON.parse(value) as unknown)),
    },
  });
}
