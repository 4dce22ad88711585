/**
 * The shared engine behaviour suite (behaviour.ts) on every adapter:
 *   - embedded, with hot runs cached and with every operation recovered from the database;
 *   - zeebe over the in-process gRPC + REST doubles (test/engine/zeebe-doubles), once with search results as
 *     fresh as the broker and once with them lagging 25 ms behind (Camunda's search is eventually consistent).
 * The zeebe runs check the adapter's protocol use against Zeebe's documented semantics, not Zeebe itself:
 * no broker can run here. Run against a real Camunda 8.8 (docker-compose.yml) before trusting a change.
 */
import { behaviourSuite } from './behaviour.ts';

behaviourSuite('embedded', 'embedded (hot runs cached)', { hotInstances: 200 });
behaviourSuite('embedded', 'embedded (every operation recovers from the database)', { hotInstances: 0 });
behaviourSuite('zeebe', 'zeebe adapter over the test doubles');
behaviourSuite('zeebe', 'zeebe adapter over the test doubles, search lagging 25 ms', { searchLagMs: 25 });
