import { Global, Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CLOCK, systemClock } from './clock/clock.js';
import { CommandProcessor } from './command-handling/command-processor.js';
import { LogWalkTurns } from './http/log-walk-turns.js';
import { AccessModule } from './access/access.module.js';
import { BackupModule } from './backup/backup.module.js';
import { ConsoleModule } from './console/console.module.js';
import { AuditModule, auditLogData } from './audit/audit.module.js';
import { APP_CONFIG, type AppConfig } from './config/app-config.js';
import { EventStoreModule } from './eventstore/event-store.module.js';
import { HealthModule } from './health/health.module.js';
import { IdentityModule, identityLogData } from './identity/identity.module.js';
import { IdempotencyModule } from './idempotency/idempotency.module.js';
import { SnapshotsModule } from './snapshots/snapshots.module.js';
import { InventoryModule, inventoryLogData } from './inventory/inventory.module.js';
import { OrderingModule, orderingLogData } from './ordering/ordering.module.js';
import { PaymentsModule, paymentsLogData } from './payments/payments.module.js';
import { ShippingModule, shippingLogData } from './shipping/shipping.module.js';
import { MetricsController } from './observability/metrics.http.js';
import { ReadStoreModule } from './readstore/read-store.module.js';
import { CredentialStoreModule } from './credentialstore/credential-store.module.js';
import { SubscriptionsModule, parkedEventsLogData } from './subscriptions/subscriptions.module.js';
import { LeasesModule } from './leases/leases.module.js';
import { ProjectionEngineModule } from './projection-engine/projection-engine.module.js';
import { allUpcasters } from './upcasters.js';
import { personalData, projectionsHoldingPersonalData } from './personal-data-declarations.js';
import { PersonalDataModule } from './personal-data/personal-data.module.js';
import { DataProtectionModule, dataProtectionLogData } from './data-protection/data-protection.module.js';
import { FULFILLMENT_EVENT_HANDLERS, FulfillmentModule, fulfillmentLogData } from './fulfillment/fulfillment.module.js';
import { allProjections } from '../projections/index.js';
import { scratchProjections } from '../projections/scratch/index.js';

/** Each context's kinds of data in the log, for the policy of who may read which (src/access/log-read-policy.ts). */
const logData = [inventoryLogData, orderingLogData, paymentsLogData, shippingLogData, fulfillmentLogData, identityLogData, dataProtectionLogData, parkedEventsLogData, ...auditLogData];

/** What every context needs: configuration, the clock, the command path and the turns of full-log walks. */
@Global()
@Module({})
class CoreModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CoreModule,
      providers: [{ provide: APP_CONFIG, useValue: config }, { provide: CLOCK, useValue: systemClock }, CommandProcessor, LogWalkTurns],
      exports: [APP_CONFIG, CLOCK, CommandProcessor, LogWalkTurns],
    };
  }
}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(config),
        CqrsModule.forRoot(),
        PersonalDataModule,
        EventStoreModule.forRoot({ upcasters: allUpcasters, personalData }),
        ReadStoreModule,
        CredentialStoreModule,
        IdempotencyModule,
        SnapshotsModule,
        LeasesModule,
        SubscriptionsModule.forRoot({ eventHandlers: { imports: [FulfillmentModule], tokens: [FULFILLMENT_EVENT_HANDLERS] } }),
        ProjectionEngineModule.forRoot({ projections: allProjections, scratchProjections }),
        AccessModule.forRoot({ logData }),
        IdentityModule,
        InventoryModule,
        OrderingModule,
        PaymentsModule,
        ShippingModule,
        DataProtectionModule.forRoot({ projectionsHoldingPersonalData }),
        HealthModule,
        BackupModule,
        AuditModule,
        ConsoleModule,
      ],
      controllers: [MetricsController],
    };
  }
}
