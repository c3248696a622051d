import { describe, expect, it } from '@jest/globals';
import { HasherBusyError, PasswordHasher } from './password-hasher.js';

// Cheaper parameters keep the suite quick; one test checks the production defaults.
const fast = new PasswordHasher({ logN: 14, r: 8, p: 1 });

describe('PasswordHasher', () => {
  it('hashes at OWASP parameters by default, salted, and verifies', async () => {
    const hasher = new PasswordHasher();
    const hash = await hasher.hash('correct horse battery staple');
    expect(hash).toMatch(/^\$scrypt\$ln=17,r=8,p=1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    expect(await hasher.verify('correct horse battery staple', hash)).toBe(true);
    expect(await hasher.verify('correct horse battery stapler', hash)).toBe(false);
  });

  it('never produces the same hash twice and never contains the password', async () => {
    const [a, b] = await Promise.all([fast.hash('same password 1'), fast.hash('same password 1')]);
    expect(a).not.toBe(b);
    expect(a).not.toContain('same password 1');
    expect(await fast.verify('same password 1', a)).toBe(true);
    expect(await fast.verify('same password 1', b)).toBe(true);
  });

  it('treats canonically equivalent Unicode as the same password', async () => {
    const hash = await fast.hash('Jos\u00e9 secret phrase');
    expect(await fast.verify('Jose\u0301 secret phrase', hash)).toBe(true);
  });

  it.each([
    ['garbage', 'not a hash'],
    ['another scheme', '$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA'],
    ['too much memory', '$scrypt$ln=18,r=32,p=1$c2FsdHNhbHRzYWx0c2FsdA==$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA=='],
    ['too little work', '$scrypt$ln=4,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA==$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA=='],
    ['a short salt', '$scrypt$ln=14,r=8,p=1$c2FsdA==$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA=='],
  ])('answers false for an unreadable hash: %s', async (_name, encoded) => {
    expect(await fast.verify('whatever password', encoded)).toBe(false);
  });

  it('spends a verification on an unknown account and answers false', async () => {
    expect(await fast.verifyNothing('some password here')).toBe(false);
  });

  it('refuses work beyond its queue with 503 busy instead of piling up', async () => {
    const hasher = new PasswordHasher({ logN: 14, r: 8, p: 1 });
    const results = await Promise.allSettled(Array.from({ length: 80 }, (_, i) => hasher.hash(`password number ${i}`)));
    const refused = results.filter((r) => r.status === 'rejected');
    // New hashes may use 1 of the 2 slots (the other is kept for checks): 1 running + 64 waiting
    // are accepted; the rest are refused at once.
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(65);
    expect(refused).toHaveLength(15);
    for (const r of refused) {
      const error = (r as PromiseRejectedResult).reason;
      expect(error).toBeInstanceOf(HasherBusyError);
      expect(error.getStatus()).toBe(503);
    }
    // Once the queue drained, it accepts work again.
    expect(await hasher.verify('again', await hasher.hash('again'))).toBe(true);
  });

  it('keeps a share for checks (logins) that no flood of new hashes (registrations) can take', async () => {
    const hasher = new PasswordHasher({ logN: 14, r: 8, p: 1 });
    const stored = await hasher.hash('the account password');
    let hashesDone = 0;
    const flood = Array.from({ length: 100 }, (_, i) => hasher.hash(`flood password ${i}`).then(() => hashesDone++, () => undefined));
    // A login arriving behind a full queue of registrations is neither refused nor made to wait for them.
    const checks = await Promise.all(Array.from({ length: 4 }, () => hasher.verify('the account password', stored)));
    expect(checks).toEqual([true, true, true, true]);
    expect(hashesDone).toBeLessThanOrEqual(4);
    await Promise.all(flood);
  });
});
