// The answers of the auditors' routes, as the OpenAPI document describes them. Event data and
// folded states differ by event type and entity, so they are open objects here; the envelope
// around them is described field by field.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const openObject = { type: 'object', additionalProperties: true } as const;

export class EventMetadataDto {
  @ApiProperty({ ...openObject, description: '{userId, roles} or {system}' }) actor!: object;
  @ApiProperty({ format: 'uuid' }) commandId!: string;
  @ApiProperty() commandType!: string;
  @ApiProperty() correlationId!: string;
  @ApiProperty({ description: 'A request id or the id of the event this one answered' }) causationId!: string;
  @ApiPropertyOptional() requestId?: string;
  @ApiProperty({ format: 'date-time' }) occurredAt!: string;
  @ApiProperty({ description: 'Hash of the previous event of the stream' }) prevHash!: string;
  @ApiProperty({ description: 'sha256(prevHash + canonical JSON of the event without hash)' }) hash!: string;
  @ApiPropertyOptional({ description: 'W3C trace context of the command that recorded it (when tracing was on)' }) traceparent?: string;
}

export class EventViewDto {
  @ApiProperty({ example: 'order-0f8e…' }) streamId!: string;
  @ApiProperty({ minimum: 0 }) revision!: number;
  @ApiProperty({ pattern: '^[0-9]+$' }) position!: string;
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty({ example: 'OrderPlaced' }) type!: string;
  @ApiProperty({ example: 1 }) schemaVersion!: number;
  @ApiProperty({ ...openObject, description: "The event's data in its stored shape, personal values opened for the auditor or admin reading it (as erased, e.g. \"[erased]\", once their subject is erased); metadata.hash covers the stored, sealed form, which exports and proofs hand out" }) data!: object;
  @ApiProperty({ format: 'date-time' }) recordedAt!: string;
  @ApiProperty({ type: EventMetadataDto }) metadata!: EventMetadataDto;
}

export class StreamHistoryDto {
  @ApiProperty() streamId!: string;
  @ApiProperty({ type: [EventViewDto] }) items!: EventViewDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null on the last page' }) nextCursor!: string | null;
}

export class StateAtDto {
  @ApiProperty({ type: Number, nullable: true, description: "The revision the state reflects; null before the entity's first event" }) revision!: number | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) recordedAt!: string | null;
  @ApiProperty({ ...openObject, description: "The entity's state folded by its decider" }) state!: object;
}

export class StateViewDto extends StateAtDto {
  @ApiProperty() streamId!: string;
  @ApiProperty({ example: 'order', description: 'The kind of entity the stream holds' }) kind!: string;
}

export class FieldChangeDto {
  @ApiProperty({ example: 'status' }) path!: string;
  @ApiPropertyOptional({ description: 'Any JSON value' }) before?: unknown;
  @ApiPropertyOptional({ description: 'Any JSON value' }) after?: unknown;
  @ApiProperty({ type: 'array', items: openObject, description: 'The events after which the field had a new value' }) changedBy!: object[];
}

export class StateDiffDto {
  @ApiProperty() streamId!: string;
  @ApiProperty() kind!: string;
  @ApiProperty({ type: StateAtDto }) from!: StateAtDto;
  @ApiProperty({ type: StateAtDto }) to!: StateAtDto;
  @ApiProperty({ type: [FieldChangeDto] }) changes!: FieldChangeDto[];
}

export class CorrelationDto {
  @ApiProperty() correlationId!: string;
  @ApiProperty({ type: [EventViewDto], description: 'In position order' }) events!: EventViewDto[];
  @ApiProperty({ type: 'array', items: openObject, description: 'The causation tree: each root a request id (or an event outside the correlation), with the events it caused' }) causes!: object[];
  @ApiProperty({ description: 'True when more events carry the id than one answer holds' }) truncated!: boolean;
}

export class AnchorSummaryDto {
  @ApiProperty({ pattern: '^[0-9]+$' }) position!: string;
  @ApiProperty() rootHash!: string;
  @ApiProperty() streamCount!: number;
  @ApiProperty() revision!: number;
  @ApiProperty({ format: 'date-time' }) recordedAt!: string;
  @ApiProperty({ type: String, nullable: true, description: 'The audit key that signed it; null: recorded unsigned' }) keyId!: string | null;
}

export class ChainProblemDto {
  @ApiProperty() streamId!: string;
  @ApiProperty() revision!: number;
  @ApiProperty({ type: String, nullable: true }) eventId!: string | null;
  @ApiProperty({ type: String, nullable: true }) position!: string | null;
  @ApiProperty({ description: 'Why the chain breaks here' }) reason!: string;
  @ApiProperty() detail!: string;
}

export class VerificationReportDto {
  @ApiProperty({ description: 'True when every hash chain holds and agrees with the anchors' }) ok!: boolean;
  @ApiProperty({ type: String, nullable: true }) headPosition!: string | null;
  @ApiProperty() checkedEvents!: number;
  @ApiProperty() checkedStreams!: number;
  @ApiProperty({ type: AnchorSummaryDto, nullable: true }) latestAnchor!: AnchorSummaryDto | null;
  @ApiProperty({ type: [ChainProblemDto], description: 'The first broken link per stream' }) problems!: ChainProblemDto[];
  @ApiProperty() problemCount!: number;
  @ApiProperty({ ...openObject, description: '{signed, legacyUnsigned}: anchors signed with a trusted audit key, and unsigned ones from before anchors were signed' }) anchors!: object;
  @ApiPropertyOptional({ description: 'With a witness: how many witnessed anchors were compared' }) witnessedAnchors?: number;
}

export class WitnessedAnchorDto {
  @ApiProperty({ description: 'Revision in the audit-anchors stream' }) revision!: number;
  @ApiProperty() eventId!: string;
  @ApiProperty({ description: "The anchor event's chain hash" }) hash!: string;
  @ApiProperty({ format: 'date-time' }) recordedAt!: string;
  @ApiProperty({ ...openObject, description: 'The anchor: position, streamHeads, rootHash, streamCount, part, parts, and when signed previousAnchorHash, keyId, signature (Ed25519, base64, over the canonical JSON of the rest)' }) data!: object;
}

export class ProvenEventDto {
  @ApiProperty({ example: 'order-0f8e…' }) streamId!: string;
  @ApiProperty({ minimum: 0 }) revision!: number;
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty({ example: 'OrderPlaced' }) type!: string;
  @ApiProperty({ example: 1 }) schemaVersion!: number;
  @ApiProperty({ ...openObject, description: "The event's data as stored (personal values sealed: {\"$sealed\": …})" }) data!: object;
  @ApiProperty({ type: EventMetadataDto }) metadata!: EventMetadataDto;
}

export class EventProofDto {
  @ApiProperty({ example: 'orderstream-proof/1' }) format!: string;
  @ApiProperty({ type: ProvenEventDto, description: 'The event proven, as its chain hash covers it (no position or recordedAt: the store assigns those after the hash)' }) event!: ProvenEventDto;
  @ApiProperty({ type: [ProvenEventDto], description: 'The events of its stream after it, up to the head the anchor recorded' }) following!: ProvenEventDto[];
  @ApiProperty({ type: WitnessedAnchorDto, description: 'The anchor that recorded the head, as a witness keeps it (GET /v1/audit/anchors)' }) anchor!: WitnessedAnchorDto;
}

export class AnchorsPageDto {
  @ApiProperty({ type: [WitnessedAnchorDto] }) items!: WitnessedAnchorDto[];
  @ApiProperty({ type: Number, nullable: true, description: 'Ask again from this revision; null: nothing more yet' }) nextRevision!: number | null;
}

export class AnchorOutcomeDto {
  @ApiProperty({ description: 'False when nothing changed since the latest anchor (which is answered instead)' }) recorded!: boolean;
  @ApiProperty({ type: AnchorSummaryDto, nullable: true }) anchor!: AnchorSummaryDto | null;
}

export class ExportManifestDto {
  @ApiProperty() format!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ ...openObject, description: 'The filter exported, as narrowed to what the caller may read' }) filter!: object;
  @ApiProperty() count!: number;
  @ApiProperty({ type: String, nullable: true }) firstPosition!: string | null;
  @ApiProperty({ type: String, nullable: true }) lastPosition!: string | null;
  @ApiProperty({ description: 'Merkle root (sha256) over the lines' }) rootHash!: string;
  @ApiProperty({ description: "sha256 of the NDJSON file's bytes" }) ndjsonSha256!: string;
  @ApiProperty({ description: 'sha256 of the signing public key (SPKI DER)' }) keyId!: string;
}

export class SignedManifestDto {
  @ApiProperty({ type: ExportManifestDto }) manifest!: ExportManifestDto;
  @ApiProperty({ description: 'Signature of the canonical manifest by the audit key' }) signature!: string;
  @ApiProperty({ description: 'PEM' }) publicKey!: string;
}

export class PublicKeyDto {
  @ApiProperty() keyId!: string;
  @ApiProperty({ description: 'PEM (SPKI)' }) publicKey!: string;
}

export class AuditReadDto {
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ type: String, nullable: true }) requestId!: string | null;
  @ApiProperty({ pattern: '^[0-9]+$' }) position!: string;
  @ApiProperty({ example: 'GET' }) method!: string;
  @ApiProperty({ example: '/v1/audit/streams/:streamId' }) route!: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) params!: Record<string, string>;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) query!: Record<string, string>;
  @ApiProperty({ ...openObject, description: '{userId, roles}' }) actor!: object;
}
