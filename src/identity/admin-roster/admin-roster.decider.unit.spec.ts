import { describe, it } from '@jest/globals';
import { deciderSpec } from '../../../test/support/decider-spec.js';
import { adminRosterDecider, type AdminRosterEvent } from './admin-roster.decider.js';

const spec = deciderSpec(adminRosterDecider);
const admitted = (userId: string, userRevision = 0): AdminRosterEvent => ({ type: 'AdminAdmitted', data: { userId, userRevision } });
const released = (userId: string, userRevision: number): AdminRosterEvent => ({ type: 'AdminReleased', data: { userId, userRevision } });

describe('admin roster', () => {
  it('admits an admin once', () => {
    spec.given().when({ type: 'AdmitAdmin', userId: 'a', userRevision: 0 }).then(admitted('a'));
    spec.given(admitted('a')).when({ type: 'AdmitAdmin', userId: 'a', userRevision: 3 }).thenNothing();
  });

  it('releases an admin while another remains, and refuses to release the last one', () => {
    spec.given(admitted('a'), admitted('b')).when({ type: 'ReleaseAdmin', userId: 'b', userRevision: 2 }).then(released('b', 2));
    spec.given(admitted('a'), admitted('b'), released('b', 2)).when({ type: 'ReleaseAdmin', userId: 'a', userRevision: 1 }).thenError('last_admin');
  });

  it('records the release of a user not (yet) counted, so a racing admission seen before it is stale', () => {
    spec.given(admitted('a')).when({ type: 'ReleaseAdmin', userId: 'x', userRevision: 4 }).then(released('x', 4));
    spec.given(admitted('a'), released('x', 4)).when({ type: 'AdmitAdmin', userId: 'x', userRevision: 3 }).thenNothing();
    spec.given(admitted('a'), released('x', 4)).when({ type: 'AdmitAdmin', userId: 'x', userRevision: 5 }).then(admitted('x', 5));
  });
});
