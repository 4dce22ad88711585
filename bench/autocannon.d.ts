// The part of autocannon 9 (no bundled types) that bench/load.ts uses.
declare module 'autocannon' {
  interface Result { duration: number; errors: number; timeouts: number; non2xx: number }
  interface Instance extends PromiseLike<Result> {
    on(event: 'response', listener: (client: unknown, statusCode: number, resBytes: number, responseTime: number) => void): this;
  }
  function autocannon(opts: Record<string, unknown>): Instance;
  export default autocannon;
}
