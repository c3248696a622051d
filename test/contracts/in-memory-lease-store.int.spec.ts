// The in-memory lease store test double passes the port's contract, so the coordinator specs
// that drive it tick by tick exercise the same rules as MongoDB.
import { InMemoryLeaseStore } from '../support/in-memory-lease-store.js';
import { leaseStoreContract } from './lease-store.contract.js';

leaseStoreContract('InMemoryLeaseStore (test double)', async () => ({ store: new InMemoryLeaseStore(), cleanup: async () => {} }));
