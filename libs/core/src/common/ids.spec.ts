import { firstIdAt, isId, newId } from './ids';

describe('ids', () => {
  it('are UUIDv7 text that sorts in creation order', () => {
    const a = newId(new Date('2026-01-01T00:00:00.000Z'));
    const b = newId(new Date('2026-01-01T00:00:00.001Z'));
    expect(isId(a) && isId(b)).toBe(true);
    expect(a < b).toBe(true);
  });

  it('firstIdAt is above every id made earlier and below every id made at or after that moment', () => {
    const at = new Date('2026-06-06T12:34:56.789Z');
    const boundary = firstIdAt(at);
    expect(isId(boundary)).toBe(true);
    for (let i = 0; i < 200; i++) {
      expect(newId(new Date(at.getTime() - 1)) < boundary).toBe(true);
      expect(newId(at) >= boundary).toBe(true);
      expect(newId(new Date(at.getTime() + 1000)) > boundary).toBe(true);
    }
    expect(firstIdAt(new Date(0))).toBe('00000000-0000-7000-8000-000000000000');
  });
});
