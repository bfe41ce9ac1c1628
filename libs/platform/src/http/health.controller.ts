import { Controller, Get, HttpCode, Inject, Optional, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { COORDINATION_STATUS, type CoordinationStatus } from '@gatehouse/coordination';
import { DatabasePing } from '@gatehouse/persistence';

interface Readiness {
  status: 'ok' | 'degraded';
  database: 'ok' | 'unavailable';
  /** Only with REDIS_URL. A node without Redis still serves, alone: reported, not failed. */
  redis?: 'ok' | 'unavailable';
}

@ApiTags('ops')
@Controller()
export class HealthController {
  constructor(
    private readonly database: DatabasePing,
    @Optional() @Inject(COORDINATION_STATUS) private readonly coordination?: CoordinationStatus,
  ) {}

  /** Liveness, and readiness as one round trip to the database (and Redis's state, when configured). */
  @Get('health')
  @HttpCode(200)
  @ApiOperation({ summary: 'Liveness and database readiness' })
  @ApiOkResponse({ description: '`{"status":"ok","database":"ok"}` (and `"redis"` with REDIS_URL)' })
  @ApiServiceUnavailableResponse({ description: 'The database does not answer' })
  health(@Res({ passthrough: true }) res: FastifyReply): Promise<Readiness> {
    return this.readiness(res);
  }

  /** Readiness for a load balancer: the database answers (Redis is reported, a node serves without it). */
  @Get('health/ready')
  @HttpCode(200)
  @ApiOperation({ summary: 'Readiness: the database answers; Redis reported when configured' })
  @ApiOkResponse({ description: '`{"status":"ok","database":"ok","redis":"ok"}`' })
  @ApiServiceUnavailableResponse({ description: 'The database does not answer' })
  ready(@Res({ passthrough: true }) res: FastifyReply): Promise<Readiness> {
    return this.readiness(res);
  }

  /** Liveness: the process answers; nothing else is asked. */
  @Get('health/live')
  @HttpCode(200)
  @ApiOperation({ summary: 'Liveness: the process answers' })
  @ApiOkResponse({ description: '`{"status":"ok"}`' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  private async readiness(res: FastifyReply): Promise<Readiness> {
    const redis = this.coordination?.redis() ?? 'off';
    const shared = redis === 'off' ? {} : { redis };
    try {
      await this.database.ping();
      return { status: redis === 'unavailable' ? 'degraded' : 'ok', database: 'ok', ...shared };
    } catch {
      void res.status(503);
      return { status: 'degraded', database: 'unavailable', ...shared };
    }
  }
}
