// The CommandBus message for user commands, and its handler: load the user's stream, decide,
// append. (Creating a user and changing a password hash the password first: create-user/ and
// change-password/ have handlers of their own.)
import { DeciderCommandMessage, deciderCommandHandler } from '../command-handling/decider-command-handler.js';
import { userStreamId, usersDecider, type UserCommand } from './users.decider.js';

export class UserCommandMessage extends DeciderCommandMessage<UserCommand> {}

export const UserCommandHandler = deciderCommandHandler(UserCommandMessage, usersDecider, (command) => userStreamId(command.userId));
