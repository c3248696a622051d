import type { RegisterUser } from '../users.decider.js';
import { UserCommandMessage, userCommandHandler } from '../user-command.js';

export class RegisterCustomerCommand extends UserCommandMessage<RegisterUser> {}

export const RegisterCustomerHandler = userCommandHandler(RegisterCustomerCommand);
