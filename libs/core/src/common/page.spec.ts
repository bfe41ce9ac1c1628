import { DomainError } from './domain-error';
import { newId } from './ids';
import { DEFAULT_PAGE_LIMIT, decodeCursor, encodeCursor, pageRequest, toPage } from './page';

const rows = (n: number) => Array.from({ length: n }, () => ({ id: newId() }));

describe('toPage', () => {
  it('trims the extra row and sets nextCursor to the last returned id', () => {
    const fetched = rows(4); // limit + 1
    const page = toPage(fetched, 3);
    expect(page.data).toEqual(fetched.slice(0, 3));
    expect(page.nextCursor).not.toBeNull();
    expect(decodeCursor(page.nextCursor!)).toBe(fetched[2].id);
  });

  it('has no next cursor when there is no extra row', () => {
    const fetched = rows(3);
    expect(toPage(fetched, 3)).toEqual({ data: fetched, nextCursor: null });
    expect(toPage(rows(1), 3).nextCursor).toBeNull();
    expect(toPage([], 3)).toEqual({ data: [], nextCursor: null });
  });
});

describe('cursors', () => {
  it('round-trip an id', () => {
    const id = newId();
    const cursor = encodeCursor(id);
    expect(cursor).not.toContain(id);
    expect(decodeCursor(cursor)).toBe(id);
  });

  it('undefined decodes to undefined', () => {
    expect(decodeCursor(undefined)).toBeUndefined();
  });

  it.each(['', 'junk', '!!!', encodeCursor('not-an-id'), encodeCursor(newId() + 'x'), newId()])(
    'rejects %p with a validation DomainError',
    (cursor) => {
      let caught: unknown;
      try {
        decodeCursor(cursor);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(DomainError);
      expect(caught).toMatchObject({ kind: 'validation', details: { field: 'cursor' } });
    },
  );

  it('pageRequest decodes the cursor and defaults the limit', () => {
    const id = newId();
    expect(pageRequest(encodeCursor(id), 10)).toEqual({ afterId: id, limit: 10 });
    expect(pageRequest(undefined, undefined)).toEqual({ afterId: undefined, limit: DEFAULT_PAGE_LIMIT });
    expect(DEFAULT_PAGE_LIMIT).toBe(50);
  });
});
