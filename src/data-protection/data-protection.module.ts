// Data protection: erasure of data subjects (crypto-shredding: src/personal-data) and legal holds.
// The composition root names the read models that hold personal data (rebuilt after an erasure).
import { Module, type DynamicModule, type OnApplicationShutdown, Inject } from '@nestjs/common';
import type { LogData } from '../access/log-read-policy.js';
import { BlueGreenProjections } from '../projection-engine/blue-green-projections.js';
import { DataSubjectCommandHandler } from './data-subject-command.js';
import { DATA_SUBJECT_EVENT_TYPES, dataSubjectStreamId } from './data-subjects.decider.js';
import { DataSubjectsController } from './data-subjects.http.js';
import { ErasureRebuilds } from './erase-data-subject/erasure-rebuilds.js';

/** Holds and erasure receipts in the log (src/access/log-read-policy.ts): for auditors and admins. */
export const dataProtectionLogData: LogData = { kind: 'data protection', streamPrefixes: [dataSubjectStreamId('')], eventTypes: DATA_SUBJECT_EVENT_TYPES, permission: 'data-protection.read-log' };

@Module({})
export class DataProtectionModule implements OnApplicationShutdown {
  /** `projectionsHoldingPersonalData`: names of the read models rebuilt after an erasure. */
  static forRoot({ projectionsHoldingPersonalData }: { projectionsHoldingPersonalData: readonly string[] }): DynamicModule {
    return {
      module: DataProtectionModule,
      controllers: [DataSubjectsController],
      providers: [
        DataSubjectCommandHandler,
        {
          provide: ErasureRebuilds,
          inject: [BlueGreenProjections],
          useFactory: (projections: BlueGreenProjections) => new ErasureRebuilds(projections, projectionsHoldingPersonalData),
        },
      ],
    };
  }

  constructor(@Inject(ErasureRebuilds) private readonly rebuilds: ErasureRebuilds) {}

  onApplicationShutdown(): void {
    this.rebuilds.stop();
  }
}
