import type { DisableUser } from '../users.decider.js';
import { UserCommandMessage, userCommandHandler } from '../user-command.js';

export class DisableUserCommand extends UserCommandMessage<DisableUser> {}

export const DisableUserHandler = userCommandHandler(DisableUserCommand);
