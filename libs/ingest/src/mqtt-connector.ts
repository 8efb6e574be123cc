import { connect, type IClientOptions, type MqttClient } from 'mqtt';

/** MQTT behind one provider: everything that opens a broker connection goes through this. */
export const MQTT_CONNECTOR = Symbol('MQTT_CONNECTOR');
export type MqttConnector = (url: string, options: IClientOptions) => MqttClient;
export const mqttConnector: MqttConnector = (url, options) => connect(url, options);
