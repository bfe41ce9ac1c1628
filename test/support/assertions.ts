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

/**
 * Nothing internal in an answer's text: no stack frame (`at fn (file:line:col)`), no file paths
 * of the build or of dependencies, no `Error:` line as a thrown error prints it, and none of
 * the given secrets echoed back. Every channel and admin answer should pass this.
 */
export function expectNothingInternal(text: string, secrets: readonly string[] = []): void {
  expect(text).not.toMatch(/\bat .*\(.*:\d+:\d+\)/);
  expect(text).not.toMatch(/\/dist\/|node_modules|\.(?:ts|js):\d+:\d+/);
  expect(text).not.toMatch(/^\s*\w*Error: /m);
  for (const secret of secrets) expect(text).not.toContain(secret);
}
