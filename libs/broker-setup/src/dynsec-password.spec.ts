import { dynsecPasswordHash, randomSecret } from './dynsec-password';

describe('dynsecPasswordHash', () => {
  it('gives what mosquitto_ctrl 2.0.11 wrote for the same password and salt', () => {
    // `mosquitto_ctrl dynsec init file admin secretpw`, its client entry.
    const written = {
      password: 'uY2y2XGSzbsyW1tQMnpCmqI/aK6+A8fcUDUykRkMe9kQV0BLTw5sZiqxdhqkxpjCs3B9gDU0LGHWubV8tXMF7g==',
      salt: 'THk+YSWk48S6x9zn',
      iterations: 101,
    };
    expect(dynsecPasswordHash('secretpw', Buffer.from(written.salt, 'base64'))).toEqual(written);
  });

  it('salts each hash afresh: 12 bytes, a 64-byte hash, 101 iterations', () => {
    const a = dynsecPasswordHash('same');
    const b = dynsecPasswordHash('same');
    expect(a.salt).not.toBe(b.salt);
    expect(Buffer.from(a.salt, 'base64')).toHaveLength(12);
    expect(Buffer.from(a.password, 'base64')).toHaveLength(64);
    expect(a.iterations).toBe(101);
  });
});

describe('randomSecret', () => {
  it('is 32 URL-safe characters, new every time', () => {
    const s = randomSecret();
    expect(s).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(randomSecret()).not.toBe(s);
  });
});
