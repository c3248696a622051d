// GET /health/live (the process answers), GET /health/ready (the stores answer: 503 when one is
// down) and GET /health (both, and the subscribers: the combined view). Anyone gets the status;
// only an admin's token gets the details (adapters, targets, file paths, store errors, subscribers),
// which tell an attacker where the data lives and what is failing.
import { Controller, Get, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService, type HealthCheckResult, type HealthIndicatorFunction } from '@nestjs/terminus';
import { ApiProperty, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Operation } from '../http/openapi/operation.decorator.js';
import type { FastifyReply } from 'fastify';
import { EVENT_STORE_SELECTION, type StoreSelection } from '../eventstore/event-store-selection.js';
import { EVENT_STORE, type EventStore } from '../eventstore/event-store.port.js';
import { READ_STORE_SELECTION } from '../readstore/read-store-selection.js';
import { READ_STORE, type ReadStore } from '../readstore/read-store.port.js';
import { SubscriptionRunner } from '../subscriptions/subscription-runner.js';
import { CurrentActor, Public } from '../access/access.decorators.js';
import { scopeFor } from '../access/permissions.js';
import type { Actor } from '../eventstore/event-store.port.js';
import { CREDENTIAL_STORE, type CredentialStore } from '../credentialstore/credential-store.port.js';
import { IDEMPOTENCY_STORE, type IdempotencyStore } from '../idempotency/idempotency-store.port.js';
import { LEASES, type Leases } from '../leases/leases.js';
import { SubjectKeys } from '../personal-data/subject-keys.js';

/** The health report: `status` for anyone; per check details for admins (operations.read-health-details). */
export class HealthDto {
  @ApiProperty({ enum: ['ok', 'degraded', 'error', 'shutting_down'] }) status!: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Checks up or degraded (admins)' }) info?: object;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Checks down (admins)' }) error?: object;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Every check (admins)' }) details?: object;
}

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    private readonly subscriptions: SubscriptionRunner,
    @Inject(EVENT_STORE_SELECTION) private readonly eventStoreSelection: StoreSelection<EventStore>,
    @Inject(READ_STORE_SELECTION) private readonly readStoreSelection: StoreSelection<ReadStore>,
    @Inject(IDEMPOTENCY_STORE) private readonly idempotencyStore: IdempotencyStore,
    @Inject(CREDENTIAL_STORE) private readonly credentialStore: CredentialStore,
    @Inject(LEASES) private readonly leases: Leases,
    private readonly subjectKeys: SubjectKeys,
  ) {}

  @Operation({ summary: 'The service and everything it depends on: stores and subscribers (details for admins)', answer: HealthDto })
  @ApiResponse({ status: 503, type: HealthDto, description: 'Something is down: the same report, status "error"' })
  @Get()
  @Public({ identifiesCaller: true })
  @HealthCheck()
  async check(@CurrentActor() actor: Actor, @Res() reply: FastifyReply): Promise<void> {
    await this.answer(actor, reply, [() => this.eventStoreUp(), () => this.readStoreUp(), () => this.idempotencyStoreUp(), () => this.credentialStoreUp(), () => this.keyStoreUp(), () => this.subscriptionsUp(), () => this.leasesUp()]);
  }

  @Operation({ summary: 'Readiness: the stores answer (details for admins)', answer: HealthDto })
  @ApiResponse({ status: 503, type: HealthDto, description: 'A store is down: the same report, status "error"' })
  @Get('ready')
  @Public({ identifiesCaller: true })
  @HealthCheck()
  async ready(@CurrentActor() actor: Actor, @Res() reply: FastifyReply): Promise<void> {
    await this.answer(actor, reply, [() => this.eventStoreUp(), () => this.readStoreUp(), () => this.idempotencyStoreUp(), () => this.credentialStoreUp(), () => this.keyStoreUp()]);
  }

  @Operation({ summary: 'Liveness: the process answers', answer: HealthDto })
  @Get('live')
  @Public({ identifiesCaller: true })
  @HealthCheck()
  async live(@CurrentActor() actor: Actor, @Res() reply: FastifyReply): Promise<void> {
    await this.answer(actor, reply, []);
  }

  private async answer(actor: Actor, reply: FastifyReply, indicators: HealthIndicatorFunction[]): Promise<void> {
    let result: HealthCheckResult;
    try {
      result = await this.health.check(indicators);
    } catch (error) {
      // Terminus reports "down" as a 503 carrying the full result.
      if (!(error instanceof ServiceUnavailableException)) throw error;
      result = error.getResponse() as HealthCheckResult;
      reply.status(503);
    }
    const detailed = 'userId' in actor && scopeFor(actor.roles, 'operations.read-health-details') !== undefined;
    reply.send(detailed ? result : { status: result.status });
  }

  private async eventStoreUp() {
    const session = this.indicators.check('eventStore');
    const { adapter, target } = this.eventStoreSelection;
    try {
      const head = await withinProbeTime(this.eventStore.headPosition());
      const state = { adapter, target, headPosition: head?.toString() ?? null, ...this.eventStoreSelection.details() };
      // A full disk: reads go on, writes answer 503 until one succeeds again; the instance stays
      // in service (the embedded stores run one instance, and a retried write is what clears it).
      const fault = this.eventStoreSelection.storageFault?.();
      return fault ? session.degraded({ ...state, fault }) : session.up(state);
    } catch (error) {
      return session.down({ adapter, target, message: (error as Error).message });
    }
  }

  private async readStoreUp() {
    const session = this.indicators.check('readStore');
    const { adapter, target } = this.readStoreSelection;
    try {
      await withinProbeTime(this.readStore.listParked('health-probe'));
      const fault = this.readStoreSelection.storageFault?.();
      return fault ? session.degraded({ adapter, target, fault }) : session.up({ adapter, target });
    } catch (error) {
      return session.down({ adapter, target, message: (error as Error).message });
    }
  }

  private async idempotencyStoreUp() {
    const session = this.indicators.check('idempotencyStore');
    const fault = this.idempotencyStore.storageFault?.();
    return fault ? session.degraded({ fault }) : session.up();
  }

  private async credentialStoreUp() {
    const session = this.indicators.check('credentialStore');
    const fault = this.credentialStore.storageFault?.();
    return fault ? session.degraded({ fault }) : session.up();
  }

  /**
   * The key store of personal data. Degraded, not down, when it does not answer: what needs no key
   * (products, stock, audit checks) goes on; what must seal or open a value answers 503
   * key_store_unavailable and writes nothing.
   */
  private async keyStoreUp() {
    const session = this.indicators.check('keyStore');
    try {
      await withinProbeTime(this.subjectKeys.store.find('health-probe'));
    } catch (error) {
      return session.degraded({ message: (error as Error).message });
    }
    // Stored keys wrapped with a key-encryption key this configuration lacks (PERSONAL_DATA_KEK).
    const problem = this.subjectKeys.configurationProblem();
    if (problem !== undefined) return session.degraded({ message: problem });
    const fault = this.subjectKeys.store.storageFault?.();
    return fault ? session.degraded({ fault }) : session.up();
  }

  /** Which instance holds which lease (each subscriber's and worker's), and the live instances. */
  private async leasesUp() {
    const session = this.indicators.check('leases');
    try {
      return session.up({ ...(await withinProbeTime(this.leases.status())) });
    } catch (error) {
      return session.down({ message: (error as Error).message });
    }
  }

  private async subscriptionsUp() {
    const session = this.indicators.check('subscriptions');
    let subscribers: Awaited<ReturnType<SubscriptionRunner['status']>>;
    try {
      subscribers = await withinProbeTime(this.subscriptions.status());
    } catch (error) {
      // Their progress lives in the stores; the store checks above say which one is down.
      return session.down({ message: (error as Error).message });
    }
    const parked = subscribers.reduce((sum, s) => sum + s.parked, 0);
    // Parked events need a person's attention but do not stop the service from serving.
    return parked > 0 ? session.degraded({ subscribers }) : session.up({ subscribers });
  }
}

/** A store that does not answer within this is reported down rather than holding /health. */
const PROBE_TIMEOUT_MS = 3_000;

function withinProbeTime<T>(probe: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
  });
  return Promise.race([probe, timeout]).finally(() => clearTimeout(timer));
}
