// Auditors' features: stream history, point-in-time state and diffs, causation trees, chain
// verification with anchors, proofs of single events, signed exports, and the log of who read audit data.
import { AuditLogSearchController } from './log-search/log-search.http.js';
import { LEASES, type Leases } from '../leases/leases.js';
import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { CLOCK, type Clock } from '../clock/clock.js';
import type { EventStore } from '../eventstore/event-store.port.js';
import { RAW_EVENT_STORE } from '../eventstore/upcasting/upcasting-event-store.js';
import { AuditReadLog } from './access-log/audit-read-log.js';
import { AuditReadsController } from './access-log/audit-reads.http.js';
import { AnchorRecorder } from './anchors/anchor-recorder.js';
import { AnchorScheduler } from './anchors/anchor-scheduler.js';
import { SIGNING_KEY } from './audit-tokens.js';
import { AuditCorrelationsController } from './correlations/correlations.http.js';
import { AuditExportController } from './export/export.http.js';
import { loadSigningKey, type SigningKey } from './export/signing-key.js';
import { AuditAnchorsController } from './anchors/anchors.http.js';
import { AuditStreamsController } from './stream-history/streams.http.js';
import { AuditProofsController } from './proofs/proofs.http.js';
import { AuditVerificationController } from './verification/verification.http.js';
import type { LogData } from '../access/log-read-policy.js';
import { AUDIT_LOG_PREFIX, AUDIT_READ_RECORDED } from './access-log/audit-read-log.js';
import { ANCHOR_RECORDED, ANCHOR_STREAM } from './anchors/anchor.js';

/** The audit's own streams (src/access/log-read-policy.ts): who read what is for admins, as GET /v1/admin/audit-reads. */
export const auditLogData: readonly LogData[] = [
  { kind: 'the log of audit reads', streamPrefixes: [AUDIT_LOG_PREFIX], eventTypes: [AUDIT_READ_RECORDED], permission: 'audit.read-access-log' },
  { kind: 'anchors', streamPrefixes: [ANCHOR_STREAM], eventTypes: [ANCHOR_RECORDED], permission: 'audit.verify-log' },
];

/** The audit's own events hold ids, routes and hashes: no personal data (src/personal-data). */
export const auditPersonalData = { [AUDIT_READ_RECORDED]: null, [ANCHOR_RECORDED]: null };

@Module({
  controllers: [AuditStreamsController, AuditProofsController, AuditCorrelationsController, AuditVerificationController, AuditAnchorsController, AuditExportController, AuditReadsController, AuditLogSearchController],
  providers: [
    {
      provide: SIGNING_KEY,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => loadSigningKey(config.audit.signingKeyPem, config.dataDir, config.security.production),
    },
    {
      provide: AnchorRecorder,
      inject: [RAW_EVENT_STORE, CLOCK, SIGNING_KEY],
      useFactory: (raw: EventStore, clock: Clock, key: SigningKey | undefined) => new AnchorRecorder(raw, clock, key),
    },
    {
      provide: AnchorScheduler,
      inject: [AnchorRecorder, APP_CONFIG, LEASES],
      useFactory: (recorder: AnchorRecorder, config: AppConfig, leases: Leases) => new AnchorScheduler(recorder, config.audit, leases.gate('audit-anchors')),
    },
    AuditReadLog,
  ],
  exports: [AnchorRecorder, SIGNING_KEY],
})
export class AuditModule {}
