// Payment tokens are secrets, so they never enter the event log: placing an order holds the
// customer's token here (the credential store, on the read models' engine, backed up with the
// log) under the payment's id before OrderPlaced is appended; the authorization worker takes it
// to call the processor and forgets it once the processor's answer is recorded. Nothing else
// ever reads it: captures, voids and refunds use the processor's authorization code.
//
// A token whose order never reached the log (the append failed after the hold) is named by no
// event; the start-up sweep of the credential store (identity/legacy-credentials.ts) removes such
// rows once they are an hour old, long after the payment deadline would have cancelled the order.
import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '../../clock/clock.js';
import { CREDENTIAL_STORE, type CredentialStore } from '../../credentialstore/credential-store.port.js';

/** The credential store's subject of a payment's token; account ids are UUIDs, so they never collide. */
export const paymentTokenSubject = (paymentId: string) => `payment-token:${paymentId}`;
const TOKEN = 'token';

@Injectable()
export class PaymentTokens {
  constructor(
    @Inject(CREDENTIAL_STORE) private readonly store: CredentialStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Keeps the token until the authorization is answered; a retried order keeps the first one. */
  async hold(paymentId: string, token: string): Promise<void> {
    await this.store.put(paymentTokenSubject(paymentId), TOKEN, token, this.clock.now().toISOString());
  }

  /** The token held for the payment; undefined once forgotten (or for orders placed before tokens left the log). */
  async take(paymentId: string): Promise<string | undefined> {
    return this.store.get(paymentTokenSubject(paymentId), TOKEN);
  }

  /** Used: gone for good. */
  async forget(paymentId: string): Promise<void> {
    // retainOnly keeps only the credential named '', which a token never is: every row goes.
    await this.store.retainOnly(paymentTokenSubject(paymentId), '');
  }
}
