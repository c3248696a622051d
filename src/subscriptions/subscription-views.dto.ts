// The answers of the operators' subscriber routes, as the OpenAPI document describes them.
import { ApiProperty } from '@nestjs/swagger';
import type { ParkedEvent } from '../readstore/read-store.port.js';
import type { LaneReport, SubscriberStatus } from './subscription-runner.js';

export class LaneReportDto implements LaneReport {
  @ApiProperty({ type: String, nullable: true, description: 'Last position committed' }) checkpoint!: string | null;
  @ApiProperty() caughtUp!: boolean;
  @ApiProperty({ description: 'Positions between the head of the log and the checkpoint' }) lag!: number;
  @ApiProperty({ description: 'Whether this instance runs it now (holds its lease); the checkpoint is the shared one either way' }) runsHere!: boolean;
  @ApiProperty({ description: 'Events parked after failing every retry' }) parked!: number;
  @ApiProperty({ type: String, nullable: true }) lastError!: string | null;
}

export class SubscriberStatusDto extends LaneReportDto implements SubscriberStatus {
  @ApiProperty({ example: 'product-details' }) name!: string;
  @ApiProperty({ enum: ['projection', 'handler', 'projection-build'], example: 'projection' }) kind!: SubscriberStatus['kind'];
  @ApiProperty({ example: 'product-details@v1' }) checkpointName!: string;
}

export class SubscriberListDto {
  @ApiProperty({ type: [SubscriberStatusDto] }) items!: SubscriberStatusDto[];
}

export class ParkedResolutionDto {
  @ApiProperty({ enum: ['retried', 'skipped'] }) action!: 'retried' | 'skipped';
  @ApiProperty({ description: "The admin's user id" }) by!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ description: 'Why it was skipped (empty for a retry)' }) reason!: string;
}

export class ParkedEventDto implements Omit<ParkedEvent, 'position'> {
  @ApiProperty({ example: 'users@v1:42', description: '<subscriber>:<position>: what the retry and skip routes take' }) id!: string;
  @ApiProperty() subscriber!: string;
  @ApiProperty({ pattern: '^[0-9]+$' }) position!: string;
  @ApiProperty() streamId!: string;
  @ApiProperty() revision!: number;
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty() type!: string;
  @ApiProperty({ description: 'The last error' }) error!: string;
  @ApiProperty() attempts!: number;
  @ApiProperty({ format: 'date-time' }) parkedAt!: string;
  @ApiProperty({ example: 'parked-event-users@v1:42', description: "The log stream recording admins' retries and skips of this event (GET /v1/audit/streams/{streamId})" })
  decisionStream!: string;
  @ApiProperty({ type: ParkedResolutionDto, required: false, description: 'How it was resolved (the answers of retry and skip)' }) resolution?: ParkedResolutionDto;
}
