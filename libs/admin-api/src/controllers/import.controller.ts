import { PassThrough, Readable } from 'node:stream';
import { once } from 'node:events';
import { Controller, HttpCode, Logger, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AdminContext, DomainError, ImportEvent, ImportService, ImportSummary, ndjsonLines } from '@gatehouse/core';
import { Admin } from '../auth/admin-auth.guard';
import { ImportQueryDto } from '../dto/import.dto';
import { ErrorBodyView, issuedView } from '../views/views';
import { AdminApi } from './api-docs';

@AdminApi('import')
@Controller('admin/v1/import')
export class ImportController {
  private readonly logger = new Logger('Import');

  constructor(private readonly imports: ImportService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Bulk import of accounts and credentials (NDJSON, root only)',
    description:
      'One ACCOUNT per line: `{"externalId", "name", "kind"?, "parentExternalId"?, "status"?, "createdAt"?, ' +
      '"credentials": [CREDENTIAL…]}`; a CREDENTIAL has the create-credential fields plus `secret` (plain, hashed ' +
      'on the way in) or `secretHash` (bcrypt `$2a$`/`$2b$`/`$2y$`). Keyed by externalId and by channel + ' +
      'username (by channel + name without a username), so a second run changes nothing; secrets of existing ' +
      'credentials are never changed. `?dryRun=true` checks every line and writes nothing. The answer streams ' +
      'NDJSON events as lines are handled: `refused` (line number and error), `issued` (generated secrets, ' +
      'shown once), `progress`, then one `summary` (or `error` if the import stopped).',
  })
  @ApiConsumes('application/x-ndjson')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiProduces('application/x-ndjson')
  @ApiOkResponse({ description: 'NDJSON events, the last one `{"type":"summary",…}`' })
  @ApiForbiddenResponse({ type: ErrorBodyView, description: 'Not the root token' })
  @ApiUnsupportedMediaTypeResponse({ type: ErrorBodyView })
  async import(
    @Admin() ctx: AdminContext,
    @Query() query: ImportQueryDto,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    if (ctx.actor.type !== 'root') throw DomainError.forbidden('only the root token may import accounts');
    const body = req.body;
    if (!(body instanceof Readable)) {
      throw new DomainError('validation', 'validation_failed', 'body: send the import as application/x-ndjson', {
        field: 'body',
      });
    }
    const out = new PassThrough();
    void reply.header('content-type', 'application/x-ndjson; charset=utf-8').send(out);
    const send = async (event: object): Promise<void> => {
      if (out.destroyed) return;
      if (!out.write(`${JSON.stringify(event)}\n`)) await once(out, 'drain');
    };
    try {
      const summary = await this.imports.run(
        ctx,
        ndjsonLines(body as AsyncIterable<Buffer>),
        { dryRun: query.dryRun === 'true' },
        (event) => send(eventView(event)),
      );
      await send({ type: 'summary', ...summary } satisfies { type: 'summary' } & ImportSummary);
    } catch (err) {
      // The status line has gone out: the failure is the stream's last event, in the API's words.
      const aborted = req.raw.destroyed || (err as { code?: string }).code === 'ECONNRESET';
      if (!aborted) this.logger.error(`import stopped: ${err instanceof Error ? err.message : String(err)}`);
      await send({
        type: 'error',
        error:
          err instanceof DomainError
            ? { code: err.code, message: err.message }
            : { code: 'import_stopped', message: 'the import stopped on a server error; lines before it are written' },
      });
    } finally {
      out.end();
    }
  }
}

/** Issued credentials as the API shows credentials everywhere else. */
function eventView(event: ImportEvent): object {
  if (event.type !== 'issued') return event;
  return { ...event, credentials: event.credentials.map((c) => issuedView(c)) };
}
