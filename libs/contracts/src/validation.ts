import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { MessageKind } from '@ioc/domain';
import { MESSAGE_KIND_NAMES } from '@ioc/domain';
import { GatewayEntryHeaderSchema, GatewayEnvelopeSchema, MESSAGE_SCHEMAS } from './schemas';

export interface MessageValidators {
  readonly kinds: Readonly<Record<MessageKind, ValidateFunction>>;
  readonly gateway: ValidateFunction;
  readonly gatewayEntry: ValidateFunction;
}

/** Compiles every contract schema once (Ajv code generation); validation is then a plain function call. */
export function createMessageValidators(): MessageValidators {
  const ajv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true });
  addFormats(ajv, ['date-time']);
  const kinds = Object.fromEntries(MESSAGE_KIND_NAMES.map((k) => [k, ajv.compile(MESSAGE_SCHEMAS[k])])) as Record<
    MessageKind,
    ValidateFunction
  >;
  return { kinds, gateway: ajv.compile(GatewayEnvelopeSchema), gatewayEntry: ajv.compile(GatewayEntryHeaderSchema) };
}

/** One readable line per error, e.g. "/levelCm must be <= 500". */
export function describeErrors(errors: ErrorObject[] | null | undefined): string {
  if (!errors?.length) return 'invalid';
  return errors
    .map((e) => {
      const at = e.instancePath || '/';
      if (e.keyword === 'additionalProperties') return `${at} has unknown property "${e.params.additionalProperty}"`;
      if (e.keyword === 'required') return `${at} is missing required property "${e.params.missingProperty}"`;
      return `${at} ${e.message ?? 'is invalid'}`;
    })
    .join('; ');
}
