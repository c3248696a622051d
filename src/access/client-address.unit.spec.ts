import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { clientBucket } from './client-address.js';

describe('clientBucket', () => {
  it('counts an IPv4 client by its address, a mapped IPv4 as that address', () => {
    expect(clientBucket('203.0.113.7')).toBe('203.0.113.7');
    expect(clientBucket('::ffff:203.0.113.7')).toBe('203.0.113.7');
  });

  it('counts an IPv6 client by its /64, however the address is written', () => {
    expect(clientBucket('2001:db8:1:2:a:b:c:d')).toBe('2001:db8:1:2::/64');
    expect(clientBucket('2001:0DB8:0001:0002::1')).toBe('2001:db8:1:2::/64');
    expect(clientBucket('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientBucket('::1')).toBe('0:0:0:0::/64');
    expect(clientBucket('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(clientBucket('2001:db8:1:3::1')).not.toBe(clientBucket('2001:db8:1:2::1'));
  });

  it('gives every address of one /64 the same bucket', () => {
    const group = fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16));
    fc.assert(
      fc.property(fc.array(group, { minLength: 4, maxLength: 4 }), fc.array(group, { minLength: 4, maxLength: 4 }), fc.array(group, { minLength: 4, maxLength: 4 }), (prefix, a, b) => {
        expect(clientBucket([...prefix, ...a].join(':'))).toBe(clientBucket([...prefix, ...b].join(':')));
      }),
    );
  });
});
