import { applyDecorators, type PipeTransform } from '@nestjs/common';
import { ApiBody, ApiParam, ApiQuery } from '@nestjs/swagger';
import { z } from 'zod';
import { ApiServiceError } from '@ioc/api';

/** "field: problem; …" for a 400's message; the issues themselves go in details. */
function describe(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
}

/** Validates (and converts) a body, query or parameter with a zod schema; REQUEST_INVALID (400) naming every problem. */
export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(
    private readonly schema: S,
    private readonly what = 'request',
  ) {}

  transform(value: unknown): z.output<S> {
    const r = this.schema.safeParse(value ?? {});
    if (!r.success) {
      throw new ApiServiceError('REQUEST_INVALID', `invalid ${this.what}: ${describe(r.error)}`, {
        issues: r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      });
    }
    return r.data;
  }
}

type JsonSchema = Record<string, unknown>;
const openApi = (schema: z.ZodType): JsonSchema => {
  const { $schema: _s, ...rest } = z.toJSONSchema(schema, {
    target: 'openapi-3.0',
    io: 'input',
    unrepresentable: 'any',
  }) as JsonSchema;
  return rest;
};

/** OpenAPI for a zod-validated body. */
export const ApiZodBody = (schema: z.ZodType, description?: string) =>
  ApiBody({ schema: openApi(schema) as never, description });

/** OpenAPI for each field of a zod-validated query object. */
export function ApiZodQuery(schema: z.ZodObject) {
  const json = openApi(schema) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return applyDecorators(
    ...Object.entries(json.properties ?? {}).map(([name, s]) =>
      ApiQuery({ name, required: (json.required ?? []).includes(name) && s.default === undefined, schema: s as never }),
    ),
  );
}

export const ApiUuidParam = (name = 'id') => ApiParam({ name, schema: { type: 'string', format: 'uuid' } });

export const uuidPipe = (what = 'id') => new ZodPipe(z.uuid(), what);
