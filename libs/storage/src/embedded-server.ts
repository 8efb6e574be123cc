import { Worker } from 'node:worker_threads';

/** The embedded TimescaleDB as seen from the main thread: a local Postgres wire endpoint. */
export interface EmbeddedServer {
  readonly host: string;
  readonly port: number;
  /** Stops the socket server and closes PGlite cleanly (flushes the data directory). */
  stop(): Promise<void>;
}

type WorkerMessage =
  { type: 'ready'; conn: string } | { type: 'closed' } | { type: 'error'; message: string; stack?: string };

/**
 * Runs in a worker thread: PGlite executes SQL synchronously in WASM, so on the main thread every query would stall
 * MQTT acks and HTTP. The worker also loads PGlite with Node's own loader, which its dynamic import()s need (jest's
 * module sandbox refuses them). Plain JS, evaluated as is, so the same code runs from src (jest) and from dist.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  const { PGlite } = require(workerData.modules.pglite);
  const { timescaledb } = require(workerData.modules.timescaledb);
  const { PGLiteSocketServer } = require(workerData.modules.socket);
  const db = await PGlite.create({ dataDir: workerData.dataDir, extensions: { timescaledb } });
  // A reopened data directory does not load TimescaleDB until something calls it, and until then its TSL functions
  // (continuous-aggregate invalidation triggers, refresh) fail as "not supported under the current license".
  await db.exec("LOAD 'timescaledb'");
  const server = new PGLiteSocketServer({ db, port: 0, host: '127.0.0.1' });
  await server.start();
  parentPort.on('message', async (msg) => {
    if (msg.type !== 'close') return;
    try {
      await server.stop();
      await db.close();
      parentPort.postMessage({ type: 'closed' });
    } catch (err) {
      parentPort.postMessage({ type: 'error', message: String(err && err.message), stack: err && err.stack });
    }
    parentPort.close();
  });
  parentPort.postMessage({ type: 'ready', conn: server.getServerConn() });
})().catch((err) => parentPort.postMessage({ type: 'error', message: String(err && err.message), stack: err && err.stack }));
`;

function nextMessage(worker: Worker): Promise<WorkerMessage> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: WorkerMessage) => {
      cleanup();
      if (m.type === 'error') reject(Object.assign(new Error(m.message), { stack: m.stack ?? m.message }));
      else resolve(m);
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onExit = (code: number) => {
      cleanup();
      reject(new Error(`embedded database worker exited (code ${code})`));
    };
    const cleanup = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}

/** Starts PGlite + TimescaleDB behind a PGLiteSocketServer on 127.0.0.1:<random>; dataDir undefined = in memory. */
export async function startEmbeddedServer(dataDir: string | undefined): Promise<EmbeddedServer> {
  const modules = {
    pglite: require.resolve('@electric-sql/pglite'),
    timescaledb: require.resolve('@electric-sql/pglite/timescaledb'),
    socket: require.resolve('@electric-sql/pglite-socket'),
  };
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { modules, dataDir } });
  let ready: WorkerMessage;
  try {
    ready = await nextMessage(worker);
  } catch (err) {
    await worker.terminate();
    throw err;
  }
  const [host, port] = (ready as { conn: string }).conn.split(':');
  let stopping: Promise<void> | undefined;
  return {
    host,
    port: Number(port),
    stop() {
      stopping ??= (async () => {
        const closed = nextMessage(worker);
        worker.postMessage({ type: 'close' });
        try {
          await closed;
        } finally {
          await worker.terminate();
        }
      })();
      return stopping;
    },
  };
}
