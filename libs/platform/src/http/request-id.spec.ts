import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';
import { requestIdGenerator, requestIdOf } from './request-id';

describe('request ids', () => {
  it('are unique within a process and differ between processes (generators)', () => {
    const next = requestIdGenerator();
    const ids = Array.from({ length: 1000 }, () => next({} as IncomingMessage));
    expect(new Set(ids).size).toBe(1000);
    expect(ids[0]).toMatch(/^[0-9a-f]{6}-1$/);
    expect(ids[35]).toMatch(/^[0-9a-f]{6}-10$/); // base 36
    const other = requestIdGenerator()({} as IncomingMessage);
    expect(other.split('-')[0]).not.toBe(ids[0].split('-')[0]);
  });

  it("are found from Fastify's reply and from Node's response alike", () => {
    const raw = {} as IncomingMessage;
    const id = requestIdGenerator()(raw);
    expect(requestIdOf({ raw: {}, request: { id } } as unknown as FastifyReply)).toBe(id);
    expect(requestIdOf({ req: raw } as unknown as ServerResponse)).toBe(id);
    expect(requestIdOf({} as ServerResponse)).toBeUndefined();
  });
});
