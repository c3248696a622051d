// The answers of the identity routes, as the OpenAPI document describes them (`implements` keeps
// each in step with what the route returns).
import { ApiProperty } from '@nestjs/swagger';
import { ROLES, type Role } from '../../access/roles.js';
import type { IssuedToken } from '../tokens/token-issuer.js';
import type { UserView } from './user-queries.js';

export class UserDto implements UserView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'email' }) email!: string;
  @ApiProperty({ enum: ROLES, isArray: true }) roles!: Role[];
  @ApiProperty() disabled!: boolean;
  @ApiProperty({ format: 'date-time' }) registeredAt!: string;
  @ApiProperty({ description: 'Revision of the user stream (the ETag)' }) revision!: number;
}


export class IssuedTokenDto implements IssuedToken {
  @ApiProperty({ description: 'Send as Authorization: Bearer <accessToken>' }) accessToken!: string;
  @ApiProperty({ enum: ['Bearer'] }) tokenType!: 'Bearer';
  @ApiProperty({ description: 'Seconds until the token expires', example: 900 }) expiresIn!: number;
}
