export * from './principal';
export * from './token.service';
export * from './auth.module';
export * from './jwt-secret';
