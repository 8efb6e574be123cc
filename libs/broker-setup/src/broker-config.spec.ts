import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { brokerConfigValue, findDynsecPlugin, findMosquittoBinary, renderBrokerConfig } from './broker-config';

const TEMPLATE = `# comment
per_listener_settings false
allow_anonymous false
plugin /usr/lib/mosquitto_dynamic_security.so
plugin_opt_config_file /mosquitto/data/dynamic-security.json
persistence true
persistence_location /mosquitto/data/
max_packet_size 262144

listener 1883
protocol mqtt

# TLS
listener 8883
protocol mqtt
cafile /mosquitto/certs/ca.crt
certfile /mosquitto/certs/server.crt
keyfile /mosquitto/certs/server.key
`;

const options = {
  template: TEMPLATE,
  port: 1884,
  tlsPort: 8884,
  dataDir: '/var/ioc/mosquitto/data',
  certsDir: '/var/ioc/mosquitto/certs',
  pluginPath: '/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so',
  bind: '127.0.0.1',
};

describe('renderBrokerConfig', () => {
  it('moves the listeners, the data, the TLS files and the plugin, and keeps every other line', () => {
    expect(renderBrokerConfig(options)).toBe(`# comment
per_listener_settings false
allow_anonymous false
plugin /usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so
plugin_opt_config_file /var/ioc/mosquitto/data/dynamic-security.json
persistence true
persistence_location /var/ioc/mosquitto/data/
max_packet_size 262144

listener 1884 127.0.0.1
protocol mqtt

# TLS
listener 8884 127.0.0.1
protocol mqtt
cafile /var/ioc/mosquitto/certs/ca.crt
certfile /var/ioc/mosquitto/certs/server.crt
keyfile /var/ioc/mosquitto/certs/server.key
`);
  });

  it('renders the shipped configuration, security on and both listeners', () => {
    const shipped = readFileSync(path.resolve(__dirname, '../../../docker/mosquitto/mosquitto.conf'), 'utf8');
    const conf = renderBrokerConfig({ ...options, template: shipped });
    expect(brokerConfigValue(conf, 'allow_anonymous')).toBe('false');
    expect(brokerConfigValue(conf, 'per_listener_settings')).toBe('false');
    expect(brokerConfigValue(conf, 'plugin')).toBe(options.pluginPath);
    expect(conf.match(/^listener .*$/gm)).toEqual(['listener 1884 127.0.0.1', 'listener 8884 127.0.0.1']);
    expect(brokerConfigValue(conf, 'keyfile')).toBe('/var/ioc/mosquitto/certs/server.key');
  });

  it('leaves the TLS listener out when it has no port', () => {
    const conf = renderBrokerConfig({ ...options, tlsPort: undefined });
    expect(conf).not.toMatch(/8883|8884|cafile|certfile|keyfile/);
    expect(conf).toContain('listener 1884 127.0.0.1\nprotocol mqtt\n');
  });

  it('refuses a template that lacks a line it must move, and paths Mosquitto cannot read', () => {
    expect(() =>
      renderBrokerConfig({ ...options, template: TEMPLATE.replace('listener 1883', 'listener 1999') }),
    ).toThrow(/"listener 1883"/);
    expect(() => renderBrokerConfig({ ...options, template: `${TEMPLATE}plugin /other.so\n` })).toThrow(/2 "plugin"/);
    expect(() => renderBrokerConfig({ ...options, dataDir: '/my data' })).toThrow(/spaces/);
  });
});

describe('brokerConfigValue', () => {
  it('reads the first value of a setting', () => {
    expect(brokerConfigValue(TEMPLATE, 'max_packet_size')).toBe('262144');
    expect(brokerConfigValue(TEMPLATE, 'listener')).toBe('1883');
    expect(brokerConfigValue(TEMPLATE, 'nothing')).toBeUndefined();
  });
});

describe('findDynsecPlugin', () => {
  it('takes the first candidate that exists', () => {
    expect(findDynsecPlugin(['/a.so', '/b.so', '/c.so'], (f) => f !== '/a.so')).toBe('/b.so');
    expect(findDynsecPlugin(['/a.so'], () => false)).toBeUndefined();
  });
});

describe('findMosquittoBinary', () => {
  it("looks on PATH, then where Debian puts it (/usr/sbin, often not on a user's PATH)", () => {
    expect(findMosquittoBinary('/opt/x:/usr/bin', (f) => f === '/usr/bin/mosquitto')).toBe('/usr/bin/mosquitto');
    expect(findMosquittoBinary('/usr/bin', (f) => f === '/usr/sbin/mosquitto')).toBe('/usr/sbin/mosquitto');
    expect(findMosquittoBinary(undefined, () => false)).toBeUndefined();
  });
});
