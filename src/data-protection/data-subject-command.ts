// The CommandBus message for data-subject commands, and its handler: load the subject's stream,
// decide, append; an erasure then destroys the subject's key (after the receipt is recorded, so
// no key is ever destroyed without a receipt; a key left by a failure is destroyed by the repeat,
// which records nothing new) and rebuilds the read models that hold personal data.
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { DeciderCommandMessage } from '../command-handling/decider-command-handler.js';
import { CommandProcessor, type CommandResult } from '../command-handling/command-processor.js';
import { SubjectKeys } from '../personal-data/subject-keys.js';
import { dataSubjectsDecider, dataSubjectStreamId, type DataSubjectCommand } from './data-subjects.decider.js';
import { ErasureRebuilds } from './erase-data-subject/erasure-rebuilds.js';

export class DataSubjectCommandMessage extends DeciderCommandMessage<DataSubjectCommand> {}

export interface DataSubjectCommandResult extends CommandResult {
  /** Erasures: the read models being rebuilt without the subject's data. */
  rebuilding?: string[];
}

@CommandHandler(DataSubjectCommandMessage)
export class DataSubjectCommandHandler implements ICommandHandler<DataSubjectCommandMessage> {
  constructor(
    private readonly processor: CommandProcessor,
    private readonly keys: SubjectKeys,
    private readonly rebuilds: ErasureRebuilds,
  ) {}

  async execute({ command, metadata, ifMatchRevision }: DataSubjectCommandMessage): Promise<DataSubjectCommandResult> {
    const result = await this.processor.handle(dataSubjectsDecider, {
      streamId: dataSubjectStreamId(command.subjectId), command, metadata, ...(ifMatchRevision === undefined ? {} : { ifMatchRevision }),
    });
    if (command.type !== 'EraseDataSubject') return result;
    await this.keys.destroy(command.subjectId);
    return { ...result, rebuilding: await this.rebuilds.start() };
  }
}
