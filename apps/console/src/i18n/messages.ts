import type { vi } from './vi';

/** The shape of a language's messages: the Vietnamese file's keys, every value a string. */
type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };
export type Messages = Widen<typeof vi>;
