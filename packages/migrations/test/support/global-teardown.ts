/** Stops the Redis Stack container global setup started, if any. */
export default async function globalTeardown(): Promise<void> {
  await globalThis.__OM_STACK_CONTAINER__?.stop();
}
