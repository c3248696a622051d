// The answers of the analysts' projection routes, as the OpenAPI document describes them.
import { ApiProperty } from '@nestjs/swagger';
import { LaneReportDto } from '../subscriptions/subscription-views.dto.js';
import type { BuildStatus, ProjectionStatus } from './blue-green-projections.js';

export class BuildStatusDto extends LaneReportDto implements BuildStatus {
  @ApiProperty() version!: number;
  @ApiProperty({ description: '0 for the first build of a version, then 1, 2… for rebuilds' }) build!: number;
  @ApiProperty() collection!: string;
  @ApiProperty() checkpointName!: string;
  @ApiProperty({ description: "False for an old version whose code is gone: it answers queries, frozen, until the new build takes over" }) running!: boolean;
}

export class ProjectionStatusDto implements ProjectionStatus {
  @ApiProperty({ example: 'order-details' }) name!: string;
  @ApiProperty() declaredVersion!: number;
  @ApiProperty({ type: BuildStatusDto, description: 'The build queries read' }) serving!: BuildStatusDto;
  @ApiProperty({ type: BuildStatusDto, nullable: true, description: 'A build catching up, to take over when it has' }) building!: BuildStatusDto | null;
}

export class ProjectionListDto {
  @ApiProperty({ type: [ProjectionStatusDto] }) items!: ProjectionStatusDto[];
}

export class ScratchProjectionDto {
  @ApiProperty() name!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ type: [String] }) eventTypes!: string[];
}

export class ScratchProjectionListDto {
  @ApiProperty({ type: [ScratchProjectionDto] }) items!: ScratchProjectionDto[];
}

export class ReplayResultDto {
  @ApiProperty() projection!: string;
  @ApiProperty({ type: String, nullable: true }) fromPosition!: string | null;
  @ApiProperty({ type: String, nullable: true }) toPosition!: string | null;
  @ApiProperty({ description: 'Events replayed' }) events!: number;
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true }, description: 'The documents folded (at most `limit`)' }) documents!: object[];
  @ApiProperty() documentCount!: number;
  @ApiProperty({ description: 'True when more documents were folded than answered' }) truncated!: boolean;
}
