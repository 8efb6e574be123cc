import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

export const OPENAPI_PATH = 'api/docs';

/** OpenAPI of the REST API: the UI at /api/docs, the document at /api/docs-json (both public). */
export function setupOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Sóc Trăng IOC REST API')
    .setDescription(
      'Incidents, devices, time series, KPIs and field reports. Log in with POST /api/v1/auth/login and send the token as ' +
        '`Authorization: Bearer <token>`. Errors are `{ statusCode, code, message, details? }`. Times in incident records are epoch ms.',
    )
    .setVersion('1')
    .addBearerAuth()
    .build();
  SwaggerModule.setup(OPENAPI_PATH, app, () => SwaggerModule.createDocument(app, config), {
    jsonDocumentUrl: `${OPENAPI_PATH}-json`,
  });
}
