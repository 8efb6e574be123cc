/** Whether `id` can be a uuid column's value: anything else is simply not found, never a cast error from PostgreSQL. */
export const isUuid = (id: string): boolean =>
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
