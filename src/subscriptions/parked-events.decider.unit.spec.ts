import { describe, it } from '@jest/globals';
import { deciderSpec } from '../../test/support/decider-spec.js';
import { parkedEventsDecider, type ParkedEventDecision, type ParkedEventRef } from './parked-events.decider.js';

const spec = deciderSpec(parkedEventsDecider);
const parked: ParkedEventRef = { subscriber: 'users@v1', position: '42', streamId: 'user-1', revision: 0, eventId: 'e-1', eventType: 'UserRegistered' };
const retried: ParkedEventDecision = { type: 'ParkedEventRetried', data: parked };
const failed: ParkedEventDecision = { type: 'ParkedEventRetryFailed', data: { ...parked, failure: 'duplicate email' } };
const skipped: ParkedEventDecision = { type: 'ParkedEventSkipped', data: { ...parked, reason: 'merged by hand' } };

describe('decisions on a parked event', () => {
  it('records a retry that went through, and one that failed (it stays open to another decision)', () => {
    spec.given().when({ type: 'RecordParkedEventRetry', parked, failure: null }).then(retried);
    spec.given().when({ type: 'RecordParkedEventRetry', parked, failure: 'duplicate email' }).then(failed);
    spec.given(failed).when({ type: 'RecordParkedEventRetry', parked, failure: null }).then(retried);
    spec.given(failed).when({ type: 'SkipParkedEvent', parked, reason: 'merged by hand' }).then(skipped);
  });

  it('records a skip with its reason, trimmed; an empty or overlong reason is refused', () => {
    spec.given().when({ type: 'SkipParkedEvent', parked, reason: '  merged by hand ' }).then(skipped);
    spec.given().when({ type: 'SkipParkedEvent', parked, reason: '   ' }).thenError('invalid_reason');
    spec.given().when({ type: 'SkipParkedEvent', parked, reason: 'x'.repeat(501) }).thenError('invalid_reason');
  });

  it('resolves a parked event once: after a retry or a skip, either is refused', () => {
    for (const resolved of [retried, skipped]) {
      spec.given(resolved).when({ type: 'SkipParkedEvent', parked, reason: 'again' }).thenError('parked_event_resolved');
      spec.given(resolved).when({ type: 'RecordParkedEventRetry', parked, failure: null }).thenError('parked_event_resolved');
    }
  });
});
