// Prometheus scrape endpoint. Metrics are registered where they are measured, on the default
// registry; this only exposes them, plus the process metrics prom-client collects.
import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { collectDefaultMetrics, register } from 'prom-client';
import { Public } from '../access/access.decorators.js';

let collectingDefaults = false;

@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor() {
    if (!collectingDefaults) {
      collectDefaultMetrics({ prefix: 'orderstream_' });
      collectingDefaults = true;
    }
  }

  @Get()
  // Public by decision (README, Roles and tokens): scrapers cannot refresh short-lived tokens, and the
  // figures hold no personal data. Expose /metrics on the internal network only.
  @Public()
  async scrape(@Res() reply: FastifyReply): Promise<void> {
    reply.header('Content-Type', register.contentType).send(await register.metrics());
  }
}
