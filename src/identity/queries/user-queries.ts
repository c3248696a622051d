// Query handlers for the admin views of users: they read the users projection.
import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { usersProjection, type UserDocument } from '../../../projections/users/users.projection.js';
import { DomainError } from '../../decider/domain-error.js';
import { findPage } from '../../http/find-page.js';
import type { Page } from '../../http/pagination.js';
import { READ_STORE, type ReadStore } from '../../readstore/read-store.port.js';
import type { Role } from '../../access/roles.js';

export interface UserView {
  id: string;
  email: string;
  roles: Role[];
  disabled: boolean;
  registeredAt: string;
  revision: number;
}

export class GetUserQuery extends Query<UserView> {
  constructor(readonly userId: string) {
    super();
  }
}

export class ListUsersQuery extends Query<Page<UserView>> {
  constructor(readonly limit: number, readonly cursor?: string) {
    super();
  }
}

const view = ({ _id, _position, ...rest }: UserDocument): UserView => ({ id: _id, ...rest });

@QueryHandler(GetUserQuery)
export class GetUserHandler implements IQueryHandler<GetUserQuery> {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}

  async execute({ userId }: GetUserQuery): Promise<UserView> {
    const doc = await this.readStore.findById<UserDocument>(usersProjection.collection.name, userId);
    if (!doc) throw new DomainError('not_found', 'user_not_found', `User ${userId} does not exist`);
    return view(doc);
  }
}

@QueryHandler(ListUsersQuery)
export class ListUsersHandler implements IQueryHandler<ListUsersQuery> {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}

  async execute({ limit, cursor }: ListUsersQuery): Promise<Page<UserView>> {
    const page = await findPage<UserDocument, 'email'>(this.readStore, usersProjection.collection.name, {}, { field: 'email', order: 'ascending', cursorKey: 'email' }, { limit, cursor });
    return { ...page, items: page.items.map(view) };
  }
}
