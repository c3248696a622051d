import type { ChangePassword } from '../users.decider.js';
import { UserCommandMessage, userCommandHandler } from '../user-command.js';

export class ChangePasswordCommand extends UserCommandMessage<ChangePassword> {}

export const ChangePasswordHandler = userCommandHandler(ChangePasswordCommand);
