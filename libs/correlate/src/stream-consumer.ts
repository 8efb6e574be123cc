import type { Logger } from 'pino';
import type { StreamEntry } from '@ioc/queue';

/** A Redis stream read in a consumer group (DeviceMessageStream, FieldReportStream). */
export interface GroupStream<T> {
  ensureGroup(group: string, from?: '$' | '0'): Promise<void>;
  read(group: string, consumer: string, count: number, blockMs: number): Promise<StreamEntry<T>[]>;
  ack(group: string, ids: string[]): Promise<number>;
}

/**
 * Reads a post-commit stream in a consumer group (device messages when the correlate role runs in a process without
 * ingest; field reports taken by other API processes). Entries are acknowledged once handed to the engine; a crash
 * loses nothing, the engine's state is rebuilt from stored history on the next start. Uses its own stream handle on
 * a dedicated connection (reads block).
 */
export class StreamConsumer<T> {
  private running = false;
  private loop?: Promise<void>;

  constructor(
    private readonly stream: GroupStream<T>,
    private readonly group: string,
    private readonly consumer: string,
    private readonly handle: (items: readonly T[]) => void,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    // New entries only: what came before is in the database and replayed by the recovery.
    await this.stream.ensureGroup(this.group, '$');
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        const entries = await this.stream.read(this.group, this.consumer, 100, 500);
        for (const e of entries) this.handle(e.items);
        await this.stream.ack(
          this.group,
          entries.map((e) => e.id),
        );
      } catch (err) {
        if (!this.running) return;
        this.logger.warn({ err }, 'reading a stream failed; retrying');
        await new Promise((r) => setTimeout(r, 1_000));
      }
    }
  }
}
