// Access control for every route: the global guards that deny by default (AccessGuard, which
// authenticates through the passport strategy named 'jwt' that the identity context registers)
// and limit commands (CommandRateLimitGuard), the route inventory with its admin view, and the
// policy of who may read which data of the log (LogReadPolicy, over what the contexts declare).
import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { AccessControlController } from './access-control.http.js';
import { AccessGuard } from './access.guard.js';
import { MyPermissionsController } from './my-permissions.http.js';
import { CommandRateLimitGuard } from './command-rate-limit.guard.js';
import { LogReadPolicy, type LogData } from './log-read-policy.js';
import { RouteInventory } from './route-inventory.js';

export interface AccessOptions {
  /** Each context's kinds of data in the log and the permission reading them needs. */
  logData: readonly LogData[];
}

@Global()
@Module({})
export class AccessModule {
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
      ],
      exports: [LogReadPolicy],
    };
  }
}
