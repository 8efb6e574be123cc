import { basicCredentials } from './ngsi-ld.controller';

describe('NGSI-LD notification credentials', () => {
  const basic = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;

  it('reads a gateway id and a password that may itself hold colons', () => {
    expect(basicCredentials(basic('gw-fiware-01:pa:ss'))).toEqual({ id: 'gw-fiware-01', password: 'pa:ss' });
    expect(basicCredentials(`basic  ${Buffer.from('gw:pw').toString('base64')} `)).toEqual({
      id: 'gw',
      password: 'pw',
    });
  });

  it('takes nothing else for Basic credentials', () => {
    expect(basicCredentials(undefined)).toBeUndefined();
    expect(basicCredentials('Bearer abc.def')).toBeUndefined();
    expect(basicCredentials(basic('no-colon'))).toBeUndefined();
    expect(basicCredentials(basic(':no-id'))).toBeUndefined();
    expect(basicCredentials('Basic not*base64')).toBeUndefined();
  });
});
