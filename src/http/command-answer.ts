// What every command route answers: the entity id, its new revision and the global position
// (a decimal string, since positions are 64-bit) to pass as X-Min-Position when reading back.
import { ApiProperty } from '@nestjs/swagger';
import type { CommandResult } from '../command-handling/command-processor.js';

export interface CommandAnswer {
  id: string;
  revision: number;
  position: string;
}

export class CommandAnswerDto implements CommandAnswer {
  @ApiProperty({ format: 'uuid', description: 'The entity the command changed or created' })
  id!: string;

  @ApiProperty({ minimum: 0, example: 0, description: "The entity's revision after the command (its next ETag)" })
  revision!: number;

  @ApiProperty({ pattern: '^[0-9]+$', example: '42', description: 'Global position of the last event appended: send it as X-Min-Position to read this write back' })
  position!: string;
}

export const commandAnswer = (id: string, result: CommandResult): CommandAnswer => ({
  id,
  revision: result.revision,
  position: result.position.toString(),
});
