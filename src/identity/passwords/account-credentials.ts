// Passwords of accounts: hashed here, stored in the credential store (never in the log), and
// checked against the credential the user's stream says is current.
//
// Crash safety: the hash is stored BEFORE the event that names it is appended, under an id derived
// from the command id. A crash between the two leaves a row no event names (never current, swept at
// the next start by legacy-credentials.ts), never an event naming a hash that is not there; a
// retried command derives the same id, and the store's first-wins put makes the retry harmless.
import { Inject, Injectable } from '@nestjs/common';
import { v5 as uuidv5 } from 'uuid';
import { CLOCK, type Clock } from '../../clock/clock.js';
import { CREDENTIAL_STORE, type CredentialStore } from '../../credentialstore/credential-store.port.js';
import { PasswordHasher } from './password-hasher.js';

const CREDENTIAL_NAMESPACE = '8d3b7f0e-2a64-4c1b-9e57-61a0c4d2f8b3';

/** The credential id a command stores its password under. */
export const credentialIdFor = (commandId: string) => uuidv5(`credential\n${commandId}`, CREDENTIAL_NAMESPACE);

@Injectable()
export class AccountCredentials {
  constructor(
    private readonly hasher: PasswordHasher,
    @Inject(CREDENTIAL_STORE) private readonly credentials: CredentialStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Hashes `password` and stores it for `userId`; returns the credential id the event will name. */
  async store(userId: string, password: string, commandId: string): Promise<string> {
    const credentialId = credentialIdFor(commandId);
    const hash = await this.hasher.hash(password);
    await this.credentials.put(userId, credentialId, hash, this.clock.now().toISOString());
    return credentialId;
  }

  /** Whether the store holds the credential the log names as current (false after a log was restored without the credential store). */
  async has(user: { userId: string; credentialId: string }): Promise<boolean> {
    return (await this.credentials.get(user.userId, user.credentialId)) !== undefined;
  }

  /** Stores `password` under the account's current credential id if that credential is missing (first-wins: never replaces one). */
  async restore(user: { userId: string; credentialId: string }, password: string): Promise<void> {
    await this.credentials.put(user.userId, user.credentialId, await this.hasher.hash(password), this.clock.now().toISOString());
  }

  /** True if `password` is the one stored under the account's current credential. */
  async verify(user: { userId: string; credentialId: string }, password: string): Promise<boolean> {
    const hash = await this.credentials.get(user.userId, user.credentialId);
    return hash === undefined ? this.hasher.verifyNothing(password) : this.hasher.verify(password, hash);
  }

  /** Spends a check's effort for an account that does not exist, and answers false. */
  verifyNothing(password: string): Promise<false> {
    return this.hasher.verifyNothing(password);
  }

  /** Forgets the account's other credentials once `current` is the one the log names. */
  async retire(userId: string, current: string): Promise<void> {
    await this.credentials.retainOnly(userId, current);
  }
}
