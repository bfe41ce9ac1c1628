import { Controller, Get, Header, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ChannelGate, DomainError, SubmissionService } from '@gatehouse/core';
import { ApiError, PeerAddressResolver } from '@gatehouse/platform';
import { requestPeer } from '@gatehouse/platform/http';
import { httpFailureStatus } from '../shared/http-auth-failure';
import { finishWhenAnswered, refusalError } from '../shared/http-channel-request';
import { fromAuthorizationHeader } from '../shared/submitted-credentials';

const FIELD_LIMIT = 100_000;

/**
 * The legacy HTTP channel: `GET` or form `POST /http/send` with `username`/`password` fields
 * (or Basic), `to` (comma-separated), `text`, optional `groups`. Unknown fields are ignored, as
 * legacy clients send extras (`from`, `type`…). Answers `OK <id>` or `ERR <code> <message>`.
 */
@ApiExcludeController()
@Controller('http')
export class HttpSendController {
  constructor(
    private readonly gate: ChannelGate,
    private readonly submissions: SubmissionService,
    private readonly peers: PeerAddressResolver,
  ) {}

  @Get('send')
  @Header('Content-Type', 'text/plain; charset=utf-8')
  sendGet(@Req() req: FastifyRequest, @Res({ passthrough: true }) res: FastifyReply): Promise<string> {
    // Fastify answers HEAD with the GET handler; a HEAD must not submit anything.
    if (req.method === 'HEAD') throw new ApiError(405, 'method_not_allowed', 'use GET or POST');
    return this.send(req, res, req.query as Record<string, unknown>);
  }

  @Post('send')
  @HttpCode(200)
  @Header('Content-Type', 'text/plain; charset=utf-8')
  sendPost(@Req() req: FastifyRequest, @Res({ passthrough: true }) res: FastifyReply): Promise<string> {
    // Form fields win over query fields; both are accepted, as legacy clients mix them.
    const body: unknown = req.body;
    return this.send(req, res, {
      ...(req.query as Record<string, unknown>),
      ...(typeof body === 'object' && body !== null ? body : {}),
    });
  }

  private async send(req: FastifyRequest, res: FastifyReply, fields: Record<string, unknown>): Promise<string> {
    const field = (name: string): string | undefined => {
      const value = fields[name];
      if (value === undefined) return undefined;
      if (typeof value !== 'string')
        throw new ApiError(400, 'validation_failed', `${name}: must be given once, as text`);
      if (value.length > FIELD_LIMIT) throw new ApiError(413, 'payload_too_large', `${name}: too long`);
      return value;
    };
    const list = (name: string): string[] | undefined =>
      field(name)
        ?.split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0);

    const basic = fromAuthorizationHeader(req.headers.authorization);
    const username = field('username') ?? basic?.username ?? null;
    const password = field('password') ?? basic?.secret;
    if (!username || !password) {
      void res.header('WWW-Authenticate', 'Basic realm="gatehouse-http"');
      throw new ApiError(401, 'unauthorized', 'username and password are required');
    }

    const admission = await this.gate.admit({
      channel: 'http',
      username,
      secret: password,
      peer: requestPeer(this.peers, req),
      operation: 'http.send',
      refusalStatus: httpFailureStatus,
    });
    if (!admission.ok) throw refusalError(admission.refusal);
    finishWhenAnswered(admission.request, res.raw);

    const text = field('text');
    if (text === undefined) throw new ApiError(400, 'validation_failed', 'text: is required');
    const submission = await this.submissions
      .submit(admission.key, { to: list('to'), body: text, groups: list('groups') })
      .catch((err: unknown) => {
        throw inThisChannelsWords(err);
      });
    return `OK ${submission.id}\n`;
  }
}

/** The core calls the message `body`; this channel's clients know the field as `text`. */
function inThisChannelsWords(err: unknown): unknown {
  if (err instanceof DomainError && err.details?.field === 'body') {
    return new DomainError(err.kind, err.code, err.message.replace(/^body:/, 'text:'), {
      ...err.details,
      field: 'text',
    });
  }
  return err;
}
