// Access control for every route: the global guards that deny by default (AccessGuard, which
// authenticates through the passport strategy named 'jwt' that the identity context registers)
// and limit commands (CommandRateLimitGuard), and the route inventory with its admin view.
import { Module } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { AccessControlController } from './access-control.http.js';
import { AccessGuard } from './access.guard.js';
import { CommandRateLimitGuard } from './command-rate-limit.guard.js';
import { RouteInventory } from './route-inventory.js';

@Module({
  imports: [PassportModule, DiscoveryModule],
  controllers: [AccessControlController],
  providers: [
    // Global guards run in this order: authenticate and authorize, then count the caller's commands.
    { provide: APP_GUARD, useClass: AccessGuard },
    { provide: APP_GUARD, useClass: CommandRateLimitGuard },
    RouteInventory,
  ],
})
export class AccessModule {}
