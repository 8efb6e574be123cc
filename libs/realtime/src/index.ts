export { RealtimeService } from './realtime.service';
export { RealtimeModule } from './realtime.module';
