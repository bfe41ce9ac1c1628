import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DatabasePing } from '@gatehouse/persistence';

@ApiTags('ops')
@Controller()
export class HealthController {
  constructor(private readonly database: DatabasePing) {}

  /** Liveness, and readiness as one round trip to the database. */
  @Get('health')
  @HttpCode(200)
  @ApiOperation({ summary: 'Liveness and database readiness' })
  @ApiOkResponse({ description: '`{"status":"ok","database":"ok"}`' })
  @ApiServiceUnavailableResponse({ description: 'The database does not answer' })
  async health(@Res({ passthrough: true }) res: FastifyReply): Promise<{ status: string; database: string }> {
    try {
      await this.database.ping();
      return { status: 'ok', database: 'ok' };
    } catch {
      void res.status(503);
      return { status: 'degraded', database: 'unavailable' };
    }
  }
}
