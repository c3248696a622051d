import type { RevokeRole } from '../users.decider.js';
import { UserCommandMessage, userCommandHandler } from '../user-command.js';

export class RevokeRoleCommand extends UserCommandMessage<RevokeRole> {}

export const RevokeRoleHandler = userCommandHandler(RevokeRoleCommand);
