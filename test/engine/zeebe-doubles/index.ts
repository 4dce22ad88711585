/** Starts the Zeebe test doubles (gRPC gateway + REST API) over one in-memory broker. See README.md here. */
import type { Clock } from '../../../server/clock.ts';
import { Broker } from './broker.ts';
import { startGrpcDouble } from './grpc.ts';
import { startRestDouble, type RestDouble } from './rest.ts';

export interface ZeebeDoubles {
  broker: Broker;
  grpcAddress: string;
  restAddress: string;
  rest: RestDouble;
  close(): Promise<void>;
}

/** With `token` and `client`, both servers require that bearer token and `<restAddress>/oauth/token` issues it. */
export async function startZeebeDoubles(clock: Clock, opts: { searchLagMs?: number; token?: string; client?: { id: string; secret: string } } = {}): Promise<ZeebeDoubles> {
  const broker = new Broker(clock, opts.searchLagMs ?? 0);
  const grpc = await startGrpcDouble(broker, { token: opts.token });
  const rest = await startRestDouble(broker, { token: opts.token, client: opts.client });
  return {
    broker,
    grpcAddress: grpc.address,
    restAddress: rest.address,
    rest,
    close: async () => {
      await grpc.close();
      await rest.close();
    },
  };
}
