import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Module, type DynamicModule } from '@nestjs/common';
import { ServeStaticModule, type ServeStaticModuleOptions } from '@nestjs/serve-static';
import { findSeedsDir } from '@ioc/city';

/** Where `npm run build` puts the console (vite): dist/console, beside this file's dist/apps. */
export const CONSOLE_DIST = path.resolve(__dirname, '../../../../console');

/** Paths the console's single-page fallback never answers: the API, probes, the socket.io endpoint, the city model. */
const NOT_THE_CONSOLE = ['/api{/*path}', '/health{/*path}', '/metrics{/*path}', '/socket.io{/*path}', '/city{/*path}'];

/**
 * The api role serves the operator console (static files; any other GET path answers index.html, the single-page
 * app) and the city model it draws its map from (`<seeds>/city/*.geojson` at `/city/`, the same files the engine
 * runs on). Static files need no token; everything they show comes from the authenticated API.
 */
@Module({})
export class ConsoleStaticModule {
  static forRoot(seedsDir: string | undefined): DynamicModule {
    const serve: ServeStaticModuleOptions[] = [
      {
        rootPath: path.join(seedsDir ?? findSeedsDir(), 'city'),
        serveRoot: '/city',
        renderPath: '/{*none}.html',
        serveStaticOptions: { index: false, fallthrough: false },
      },
    ];
    // A server built without the console (`tsc` only) still runs; `npm run build` always builds it.
    if (existsSync(path.join(CONSOLE_DIST, 'index.html')))
      serve.push({
        rootPath: CONSOLE_DIST,
        exclude: NOT_THE_CONSOLE,
        serveStaticOptions: { index: 'index.html', maxAge: 0 },
      });
    return { module: ConsoleStaticModule, imports: [ServeStaticModule.forRoot(...serve)] };
  }
}
