// The answers of GET /v1/admin/access-control and GET /v1/users/me/permissions, as the OpenAPI
// document describes them.
import { ApiProperty } from '@nestjs/swagger';

export class RouteAccessDto {
  @ApiProperty({ example: 'GET' }) method!: string;
  @ApiProperty({ example: '/v1/products/:id' }) path!: string;
  @ApiProperty({ type: String, nullable: true, description: "'public', a permission, or null for a route that declares nothing (refused to all)" }) access!: string | null;
  @ApiProperty({ oneOf: [{ type: 'array', items: { type: 'string' } }, { type: 'string', enum: ['anyone'] }] }) roles!: string[] | 'anyone';
}

export class HttpRouteDto {
  @ApiProperty() method!: string;
  @ApiProperty() path!: string;
}

export class AccessControlDto {
  @ApiProperty({ type: [String] }) roles!: string[];
  @ApiProperty({ type: 'object', additionalProperties: { type: 'object', additionalProperties: { type: 'string', enum: ['any', 'own'] } }, description: 'permission -> role -> scope' })
  permissions!: Record<string, Record<string, string>>;
  @ApiProperty({ type: [RouteAccessDto] }) routes!: RouteAccessDto[];
  @ApiProperty({ type: [HttpRouteDto], description: "Served without Nest's guards (the OpenAPI UI and document): public by construction" }) routesOutsideGuards!: HttpRouteDto[];
}

export class PermissionInForceDto {
  @ApiProperty({ example: 'ordering.place-order' }) name!: string;
  @ApiProperty({ enum: ['any', 'own'], description: "'own': only the caller's own resources" }) scope!: string;
}

export class MyPermissionsDto {
  @ApiProperty({ type: [String], description: 'The roles in force for this token' }) roles!: string[];
  @ApiProperty({ type: [PermissionInForceDto] }) permissions!: PermissionInForceDto[];
}
