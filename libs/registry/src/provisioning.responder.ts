import type { IPublishPacket } from 'mqtt';
import type { Logger } from 'pino';
import { provisionResponseTopic, type ProvisionResponse } from '@ioc/contracts';
import { PROVISION_SUBSCRIPTION } from './broker-acl';
import type { DynsecClient } from './dynsec.client';
import { readProvisionRequest, refusalOf, refusedResponse, type ReadRequest } from './provision-request';
import type { ProvisioningService } from './provisioning.service';

/** An answer carrying credentials is not kept for a session that went away: the device asks again. */
const ANSWER_EXPIRY_S = 60;

/**
 * The MQTT edge of fleet self-provisioning, on the IOC's admin connection: reads each request (through a shared
 * subscription, so one api process answers it), hands it to ProvisioningService, and answers on the key's response
 * topic (QoS 1, the request's correlationData). Requests are handled one at a time per process, at most `maxWaiting`
 * waiting; beyond, a request is answered PROVISIONING_UNAVAILABLE at once. Logs say which key, which device and what
 * came of it, never a secret.
 */
export class ProvisioningResponder {
  private chain: Promise<void> = Promise.resolve();
  private waiting = 0;
  private started = false;

  constructor(
    private readonly broker: DynsecClient,
    private readonly provisioning: ProvisioningService,
    private readonly logger: Logger,
    private readonly maxWaiting = 64,
  ) {}

  async start(): Promise<void> {
    await this.broker.subscribe(PROVISION_SUBSCRIPTION, (topic, payload, packet) =>
      this.onRequest(topic, payload, packet),
    );
    this.started = true;
  }

  /** Stops taking requests and waits for those taken to be answered. */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await this.broker.unsubscribe(PROVISION_SUBSCRIPTION);
    await this.chain;
  }

  private onRequest(topic: string, payload: Buffer, packet: IPublishPacket): void {
    const read = readProvisionRequest(topic, payload, packet.properties);
    if (!read) return;
    const correlationData = packet.properties?.correlationData;
    if (this.waiting >= this.maxWaiting) {
      void this.answer(read, correlationData, {
        status: 'refused',
        code: 'PROVISIONING_UNAVAILABLE',
        reason: 'too many provisioning requests at once; retry later',
      });
      return;
    }
    this.waiting++;
    this.chain = this.chain
      .then(() => this.handle(read, correlationData))
      .catch((err: Error) => this.logger.error({ keyId: read.keyId, err: err.message }, 'provisioning request lost'))
      .finally(() => {
        this.waiting--;
      });
  }

  private async handle(read: ReadRequest, correlationData: Buffer | undefined): Promise<void> {
    if (read.refusal) return this.answer(read, correlationData, refusedResponse(read.refusal));
    let response: ProvisionResponse;
    try {
      const c = await this.provisioning.provision(read.keyId, read.request);
      response = { status: 'ok', credentials: { ...c, publish: [...c.publish], subscribe: [...c.subscribe] } };
    } catch (err) {
      const refusal = refusalOf(err);
      if (refusal.code === 'PROVISIONING_UNAVAILABLE')
        this.logger.error(
          { keyId: read.keyId, deviceId: read.request.deviceId, err: (err as Error).message },
          'provisioning failed',
        );
      response = refusedResponse(refusal);
    }
    await this.answer(read, correlationData, response);
  }

  private async answer(read: ReadRequest, correlationData: Buffer | undefined, response: ProvisionResponse) {
    const outcome = response.status === 'ok' ? 'provisioned' : response.code;
    this.logger.info({ keyId: read.keyId, deviceId: read.request?.deviceId, outcome }, 'provisioning request answered');
    try {
      await this.broker.publishMessage(provisionResponseTopic(read.keyId), JSON.stringify(response), {
        qos: 1,
        properties: {
          contentType: 'application/json',
          messageExpiryInterval: ANSWER_EXPIRY_S,
          ...(correlationData ? { correlationData } : {}),
        },
      });
    } catch (err) {
      this.logger.warn(
        { keyId: read.keyId, deviceId: read.request?.deviceId, err: (err as Error).message },
        'provisioning answer not sent',
      );
    }
  }
}
