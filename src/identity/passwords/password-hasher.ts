// Password hashing with Node's scrypt at OWASP's parameters (N=2^17, r=8, p=1), stored as a
// PHC-style string that carries its own parameters, so they can be raised later without
// breaking existing hashes. No dependency: argon2 would need a native build.
//
// One hash costs ~0.4 s of CPU and 128 MiB here, so a flood of logins could starve the service:
// at most MAX_CONCURRENT hashes run at once, a bounded queue waits, and beyond it callers get
// HasherBusyError (answered 503 with Retry-After).
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { ProblemException } from '../../http/problem.js';

const LOG_N = 17;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
const MAX_CONCURRENT = 2;
const MAX_WAITING = 64;
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
  private readonly waiting: Array<() => void> = [];
  // A fixed hash to verify against when the account does not exist, so that answering
  // "wrong email" takes as long as "wrong password".
  private dummy: Promise<string> | undefined;

  constructor(private readonly params: Parameters = { logN: LOG_N, r: R, p: P }) {}

  async hash(password: string): Promise<string> {
    const salt = randomBytes(SALT_LENGTH);
    const key = await this.limited(() => derive(password, salt, KEY_LENGTH, this.params));
    const { logN, r, p } = this.params;
    return `$scrypt$ln=${logN},r=${r},p=${p}$${salt.toString('base64')}$${key.toString('base64')}`;
  }

  /** True if `password` matches `encoded`; false for a mismatch or an unreadable hash. */
  async verify(password: string, encoded: string): Promise<boolean> {
    const parsed = parse(encoded);
    if (!parsed) return false;
    const key = await this.limited(() => derive(password, parsed.salt, parsed.key.length, parsed.params));
    return timingSafeEqual(key, parsed.key);
  }

  /** Spends the same effort as verify() and answers false. */
  async verifyNothing(password: string): Promise<false> {
    this.dummy ??= this.hash(randomBytes(18).toString('base64'));
    await this.verify(password, await this.dummy);
    return false;
  }

  private async limited<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= MAX_CONCURRENT) {
      if (this.waiting.length >= MAX_WAITING) throw new HasherBusyError();
      await new Promise<void>((turn) => this.waiting.push(turn));
    } else {
      this.running++;
    }
    try {
      return await work();
    } finally {
      // Hand the slot straight to the next waiter (running stays the same), or free it.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
