// What every command route answers: the entity id, its new revision and the global position
// (a decimal string, since positions are 64-bit) to pass as X-Min-Position when reading back.
import type { CommandResult } from '../command-handling/command-processor.js';

export interface CommandAnswer {
  id: string;
  revision: number;
  position: string;
}

export const commandAnswer = (id: string, result: CommandResult): CommandAnswer => ({
  id,
  revision: result.revision,
  position: result.position.toString(),
});
