// Access control for every route: the global guards that deny by default (AccessGuard, which
// authenticates through the passport strategy named 'jwt' that the identity context registers)
// and limit commands (CommandRateLimitGuard), the route inventory with its admin view, and the
// policy of who may read which data of the log (LogReadPolicy, over what the contexts declare).
import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { AccessControlController } from './access-control.http.js';
import { AccessGuard } from './access.guard.js';
import { MyPermissionsController } from './my-permissions.http.js';
import { CommandRateLimitGuard } from './command-rate-limit.guard.js';
import { LogReadPolicy, type LogData } from './log-read-policy.js';
import { RouteInventory } from './route-inventory.js';
import { CLOCK, type Clock } from '../clock/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { localRateCounters, SHARED_RATE_COUNTERS, type RateCounters } from './rate-counters.js';
import { MongoRateCounters } from './mongo/mongo-rate-counter.js';

const RATE_COUNTER_STORE = Symbol('RateCounterStore');

export interface AccessOptions {
  /** Each context's kinds of data in the log and the permission reading them needs. */
  logData: readonly LogData[];
}

@Global()
@Module({})
export class AccessModule implements OnApplicationShutdown {
  static forRoot({ logData }: AccessOptions): DynamicModule {
    return {
      module: AccessModule,
      imports: [PassportModule, DiscoveryModule],
      controllers: [AccessControlController, MyPermissionsController],
      providers: [
        // Global guards run in this order: authenticate and authorize, then count the caller's commands.
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_GUARD, useClass: CommandRateLimitGuard },
        RouteInventory,
        { provide: LogReadPolicy, useValue: new LogReadPolicy(logData) },
        // With the read store: on MongoDB the login throttles hold across instances.
        {
          provide: RATE_COUNTER_STORE,
          inject: [APP_CONFIG, CLOCK],
          useFactory: (config: AppConfig, clock: Clock) =>
            config.stores.mongodbUrl === undefined ? undefined : MongoRateCounters.connect(config.stores.mongodbUrl, () => clock.now().getTime()),
        },
        {
          provide: SHARED_RATE_COUNTERS,
          inject: [RATE_COUNTER_STORE, CLOCK],
          useFactory: (store: MongoRateCounters | undefined, clock: Clock): RateCounters => store?.counters ?? localRateCounters(() => clock.now().getTime()),
        },
      ],
      exports: [LogReadPolicy, SHARED_RATE_COUNTERS],
    };
  }

  constructor(@Inject(RATE_COUNTER_STORE) private readonly counterStore: MongoRateCounters | undefined) {}

  async onApplicationShutdown(): Promise<void> {
    await this.counterStore?.close();
  }
}
