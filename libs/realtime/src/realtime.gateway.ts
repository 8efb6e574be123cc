import { Inject, type OnModuleDestroy } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
} from '@nestjs/websockets';
import type { Server } from 'socket.io';
import { CLIENT_EVENTS, REALTIME_ERROR_CODES, REALTIME_PATH, type ResumeAck, type SubscribeAck } from '@ioc/contracts';
import { ACTIVE_USER_CACHE_MS } from '@ioc/auth';
import { WALL_CLOCK, LOGGER, isIocError, type Clock, type Logger } from '@ioc/platform';
import { RealtimeAuthenticator } from './realtime.authenticator';
import { RealtimeService, type IocNamespace, type IocSocket } from './realtime.service';

export const SOCKET_ADAPTER = Symbol('SOCKET_ADAPTER');
/** The socket.io adapter factory (Redis in the server; tests may pass the in-memory one). */
export type SocketAdapterFactory = Parameters<Server['adapter']>[0];
/** Longest delay a Node timer takes (about 24.8 days); a token living longer is closed by the periodic check. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The socket.io edge: authenticates the handshake, then hands each request to RealtimeService. Served on the HTTP
 * port of the api role at REALTIME_PATH. Transports: WebSocket, and HTTP long-polling as a fallback (several API
 * processes behind one address need sticky sessions for polling; WebSocket-only clients do not).
 */
@WebSocketGateway({ path: REALTIME_PATH, serveClient: false, transports: ['websocket', 'polling'] })
export class RealtimeGateway
  implements OnGatewayInit<Server>, OnGatewayConnection<IocSocket>, OnGatewayDisconnect<IocSocket>, OnModuleDestroy
{
  private readonly log: Logger;
  private recheck?: NodeJS.Timeout;

  constructor(
    private readonly service: RealtimeService,
    private readonly auth: RealtimeAuthenticator,
    @Inject(SOCKET_ADAPTER) private readonly adapter: SocketAdapterFactory,
    @Inject(LOGGER) logger: Logger,
    @Inject(WALL_CLOCK) private readonly clock: Clock,
  ) {
    this.log = logger.child({ component: 'realtime' });
  }

  afterInit(server: Server): void {
    if (this.adapter) server.adapter(this.adapter);
    server.use((socket, next) => {
      this.auth.authenticate(socket.handshake.auth?.token).then(
        (principal) => {
          socket.data.principal = principal;
          next();
        },
        (err: unknown) => {
          const code = isIocError(err, 'AUTH_FORBIDDEN')
            ? REALTIME_ERROR_CODES.forbidden
            : REALTIME_ERROR_CODES.unauthenticated;
          if (!isIocError(err)) this.log.error({ err }, 'handshake authentication failed');
          const refused = new Error(isIocError(err) ? err.message : 'authentication failed') as Error & {
            data: { code: string };
          };
          refused.data = { code };
          next(refused);
        },
      );
    });
    const nsp = server.of('/') as unknown as IocNamespace;
    this.service.attach(nsp);
    this.recheck = setInterval(() => this.recheckSockets(nsp), ACTIVE_USER_CACHE_MS);
    this.recheck.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.recheck);
  }

  /**
   * Each open socket is admitted again as its handshake was: one whose token has expired, whose user is disabled, has
   * another role or a newer password since is closed (the client's reconnect then meets the handshake). A database that
   * does not answer closes nothing.
   */
  private recheckSockets(nsp: IocNamespace): void {
    this.service
      .refreshExerciseScopes()
      .catch((err: unknown) => this.log.warn({ err }, "could not read the trainees' exercises again"));
    for (const socket of nsp.sockets.values()) {
      const was = socket.data.principal;
      this.auth.admit(was).then(
        (now) => {
          if (now.role !== was.role) socket.disconnect(true);
        },
        (err: unknown) => {
          if (isIocError(err, 'AUTH_INVALID') || isIocError(err, 'AUTH_FORBIDDEN')) socket.disconnect(true);
          else this.log.warn({ err, userId: was.userId }, "could not check an open socket's user");
        },
      );
    }
  }

  /** A socket lives no longer than its token: it is closed the moment the token expires (the reconnect is refused). */
  handleConnection(socket: IocSocket): void {
    const { expiresAtS, userId } = socket.data.principal;
    const remainingMs = Math.max(0, expiresAtS * 1000 - this.clock.nowMs());
    if (remainingMs <= MAX_TIMER_MS) {
      const expiry = setTimeout(() => {
        this.log.info({ userId, socket: socket.id }, 'token expired: socket closed');
        socket.disconnect(true);
      }, remainingMs);
      expiry.unref();
      socket.once('disconnect', () => clearTimeout(expiry));
    }
    this.service.connected(socket);
  }

  handleDisconnect(socket: IocSocket): void {
    this.service.disconnected(socket);
  }

  @SubscribeMessage(CLIENT_EVENTS.subscribe)
  async subscribe(@ConnectedSocket() socket: IocSocket, @MessageBody() body: unknown): Promise<SubscribeAck> {
    try {
      return await this.service.subscribe(socket, body);
    } catch (err) {
      this.log.warn({ err, userId: socket.data.principal.userId }, 'subscribe failed');
      return {
        ok: false,
        code: REALTIME_ERROR_CODES.invalidRequest,
        message: 'subscribe failed (database unavailable?): retry',
      };
    }
  }

  @SubscribeMessage(CLIENT_EVENTS.resume)
  async resume(@ConnectedSocket() socket: IocSocket, @MessageBody() body: unknown): Promise<ResumeAck> {
    try {
      return await this.service.resume(socket, body);
    } catch (err) {
      this.log.warn({ err, userId: socket.data.principal.userId }, 'resume failed');
      return {
        ok: false,
        code: REALTIME_ERROR_CODES.invalidRequest,
        message: 'resume failed (database unavailable?): retry',
      };
    }
  }
}
