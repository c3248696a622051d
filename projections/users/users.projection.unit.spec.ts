import { describe, it } from '@jest/globals';
import type { UserEvent } from '../../src/identity/users.decider.js';
import { inStream, occurredAt, projectionSpec } from '../../test/support/projection-spec.js';
import { roleGranted, roleRevoked, userDisabled, userRegistered } from '../../test/support/shop-story.js';
import { usersProjection } from './users.projection.js';

const spec = projectionSpec(usersProjection);
const ada = (...events: UserEvent[]) => inStream('user-ada', ...events);

describe('users projection', () => {
  it('keeps the roles and whether the account is disabled, never the password hash', () => {
    spec.given(...ada(userRegistered('ada', 'ada@example.com'), roleGranted('ada'), roleRevoked('ada'), userDisabled('ada')))
      .then({ _id: 'ada', _position: 4, revision: 3, email: 'ada@example.com', roles: ['staff'], disabled: true, registeredAt: occurredAt(1) });
  });

  it('grants a role once, however often it is granted', () => {
    spec.given(...ada(userRegistered('ada', 'ada@example.com'), roleGranted('ada'), roleGranted('ada')))
      .then({ _id: 'ada', _position: 3, revision: 2, email: 'ada@example.com', roles: ['customer', 'staff'], disabled: false, registeredAt: occurredAt(1) });
  });

  it('is the same when the events are applied twice', () => {
    spec.given(...ada(userRegistered('ada', 'ada@example.com'), roleGranted('ada'))).thenSameWhenAppliedTwice();
  });
});
