import type { GrantRole } from '../users.decider.js';
import { UserCommandMessage, userCommandHandler } from '../user-command.js';

export class GrantRoleCommand extends UserCommandMessage<GrantRole> {}

export const GrantRoleHandler = userCommandHandler(GrantRoleCommand);
