export { SENML_MEASUREMENTS, translateSenml } from './senml';
export { NGSI_LD_MAPPINGS, NGSI_LD_MAX_ENTITIES, translateNgsiLd } from './ngsi-ld';
export {
  derivedMsgId,
  type NgsiLdMapping,
  type SenmlMeasurement,
  type TranslateContext,
  type TranslatedMessage,
  type Translation,
  type TranslationRejection,
  type Translator,
} from './translation';
