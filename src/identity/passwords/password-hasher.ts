// Password hashing with Node's scrypt at OWASP's parameters (N=2^17, r=8, p=1), stored as a
// PHC-style string that carries its own parameters, so they can be raised later without
// breaking existing hashes. No dependency: argon2 would need a native build.
//
// One hash costs ~0.4 s of CPU and 128 MiB here, so a flood of logins could starve the service:
// at most MAX_CONCURRENT hashes run at once, a bounded queue waits, and beyond it callers get
// HasherBusyError (answered 503 with Retry-After).
//
// Two lanes share the slots: checks (verify: logins, current-password checks) may use every slot;
// new hashes (registrations, password changes) at most MAX_CONCURRENT - RESERVED_FOR_CHECKS, each
// lane with its own bounded queue, and a freed slot goes to a waiting check first. So a flood of
// registrations (which anyone can send) fills only its own lane: logins keep a slot it cannot take.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { ProblemException } from '../../http/problem.js';

const LOG_N = 17;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
const MAX_CONCURRENT = 2;
const RESERVED_FOR_CHECKS = 1;
const MAX_WAITING = 64;

type Lane = 'check' | 'new';
// A parsed hash is trusted only within these bounds: a tampered hash must not make us burn
// gigabytes or minutes.
const BOUNDS = { logN: [14, 18], r: [1, 16], p: [1, 4] } as const;
const MAX_MEMORY = 256 * 1024 * 1024;

export class HasherBusyError extends ProblemException {
  constructor() {
    super(503, 'busy', 'Too many password checks in progress; retry in a moment', { retryAfter: 1 });
  }
}

interface Parameters {
  logN: number;
  r: number;
  p: number;
}

function derive(password: string, salt: Buffer, keyLength: number, { logN, r, p }: Parameters): Promise<Buffer> {
  const N = 2 ** logN;
  // scrypt needs 128·N·r bytes (plus a little); Node refuses above maxmem (default 32 MiB).
  const options: ScryptOptions = { N, r, p, maxmem: 128 * N * r + 1024 * 1024 };
  return new Promise((done, failed) => scrypt(password.normalize('NFC'), salt, keyLength, options, (error, key) => (error ? failed(error) : done(key))));
}

function parse(encoded: string): { params: Parameters; salt: Buffer; key: Buffer } | undefined {
  const match = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d)\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/.exec(encoded);
  if (!match) return undefined;
  const params = { logN: Number(match[1]), r: Number(match[2]), p: Number(match[3]) };
  const within = (value: number, [min, max]: readonly [number, number]) => value >= min && value <= max;
  if (!within(params.logN, BOUNDS.logN) || !within(params.r, BOUNDS.r) || !within(params.p, BOUNDS.p)) return undefined;
  if (128 * 2 ** params.logN * params.r > MAX_MEMORY) return undefined;
  const salt = Buffer.from(match[4]!, 'base64');
  const key = Buffer.from(match[5]!, 'base64');
  if (salt.length < 16 || key.length < 16 || key.length > 64) return undefined;
  return { params, salt, key };
}

export class PasswordHasher {
  private running = 0;
  private runningNew = 0;
  private readonly waiting: Record<Lane, Array<() => void>> = { check: [], new: [] };
  // A fixed hash to verify against when the account does not exist, so that answering
  // "wrong email" takes as long as "wrong password".
  private dummy: Promise<string> | undefined;

  constructor(private readonly params: Parameters = { logN: LOG_N, r: R, p: P }) {}

  async hash(password: string): Promise<string> {
    return this.hashIn('new', password);
  }

  private async hashIn(lane: Lane, password: string): Promise<string> {
    const salt = randomBytes(SALT_LENGTH);
    const key = await this.limited(lane, () => derive(password, salt, KEY_LENGTH, this.params));
    const { logN, r, p } = this.params;
    return `$scrypt$ln=${logN},r=${r},p=${p}$${salt.toString('base64')}$${key.toString('base64')}`;
  }

  /** True if `password` matches `encoded`; false for a mismatch or an unreadable hash. */
  async verify(password: string, encoded: string): Promise<boolean> {
    const parsed = parse(encoded);
    if (!parsed) return false;
    const key = await this.limited('check', () => derive(password, parsed.salt, parsed.key.length, parsed.params));
    return timingSafeEqual(key, parsed.key);
  }

  /** Spends the same effort as verify() and answers false. */
  async verifyNothing(password: string): Promise<false> {
    // In the checks' lane: a login for an unknown email must not wait behind a registration flood.
    this.dummy ??= this.hashIn('check', randomBytes(18).toString('base64')).catch((error: unknown) => {
      this.dummy = undefined; // a refused (busy) attempt is tried again next time, not kept
      throw error;
    });
    await this.verify(password, await this.dummy);
    return false;
  }

  private async limited<T>(lane: Lane, work: () => Promise<T>): Promise<T> {
    if (this.canStart(lane)) {
      this.start(lane);
    } else {
      const queue = this.waiting[lane];
      if (queue.length >= MAX_WAITING) throw new HasherBusyError();
      // The dispatcher counts the slot as taken before it calls the turn.
      await new Promise<void>((turn) => queue.push(turn));
    }
    try {
      return await work();
    } finally {
      this.running--;
      if (lane === 'new') this.runningNew--;
      this.dispatch();
    }
  }

  private canStart(lane: Lane): boolean {
    return this.running < MAX_CONCURRENT && (lane === 'check' || this.runningNew < MAX_CONCURRENT - RESERVED_FOR_CHECKS);
  }

  private start(lane: Lane): void {
    this.running++;
    if (lane === 'new') this.runningNew++;
  }

  /** Hands free slots to waiters, checks first. */
  private dispatch(): void {
    for (const lane of ['check', 'new'] as const) {
      while (this.waiting[lane].length > 0 && this.canStart(lane)) {
        this.start(lane);
        this.waiting[lane].shift()!();
      }
    }
  }
}
