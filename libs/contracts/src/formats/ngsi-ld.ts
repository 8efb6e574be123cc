import type { NgsiLdMapping, Translator } from './translation';

/** The Smart Data Models the IOC maps (being written). */
export const NGSI_LD_MAPPINGS: readonly NgsiLdMapping[] = [];

/** FIWARE Smart Data Models in NGSI-LD into native messages. */
export const translateNgsiLd: Translator = () => {
  throw new Error('translateNgsiLd: being written');
};
