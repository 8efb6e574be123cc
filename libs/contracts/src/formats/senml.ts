import type { SenmlMeasurement, Translator } from './translation';

/** The SenML measurements the IOC maps (being written). */
export const SENML_MEASUREMENTS: readonly SenmlMeasurement[] = [];

/** SenML (RFC 8428, JSON) packs into native messages. */
export const translateSenml: Translator = () => {
  throw new Error('translateSenml: being written');
};
