import type { RegisterUser } from '../users.decider.js';
import { UserCommandMessage, userCommandHandler } from '../user-command.js';

export class CreateUserCommand extends UserCommandMessage<RegisterUser> {}

export const CreateUserHandler = userCommandHandler(CreateUserCommand);
