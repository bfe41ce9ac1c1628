import type { Response } from 'supertest';

/** The response is `status` with the API's error shape and this code. */
export function expectError(res: Response, status: number, code: string): void {
  expect(res.status).toBe(status);
  expect(res.body).toEqual({ error: expect.objectContaining({ code, message: expect.any(String) }) });
}

/** The fields a 400 names: `details.field` (service checks) or the keys of `details.fields` (DTO checks). */
export function namedFields(res: Response): string[] {
  const details = (res.body?.error?.details ?? {}) as { field?: string; fields?: Record<string, unknown> };
  return [...(details.field ? [details.field] : []), ...Object.keys(details.fields ?? {})];
}
