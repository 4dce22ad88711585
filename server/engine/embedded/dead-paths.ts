/**
 * Dead-path elimination, only where a model needs it.
 *
 * bpmn-elements "discards" every sequence flow an exclusive gateway, a boundary event or an event-based gateway did
 * not take, and each discarded flow discards its target and all of the target's outgoing flows in turn, through the
 * whole rest of the graph until a loop stops it. Only a joining gateway (parallel, inclusive or complex with more
 * than one incoming flow) ever waits for those discards: it must learn that a branch will not arrive. In a model
 * without such a join the cascade decides nothing, yet on the 96-shape procurement model it was most of the CPU time
 * of every task completion (a profile of bench:load: 60–70 % in SequenceFlow.discard → Activity.runDiscard) and it
 * wrote a "canceled" history row for every element downstream that was never reached.
 *
 * So a model without a join gets sequence flows whose discard is counted but not propagated; a model with a join
 * keeps bpmn-elements' own behaviour unchanged.
 */
import * as Elements from 'bpmn-elements';
import { TypeResolver } from 'moddle-context-serializer';

type ModdleElement = { $type: string; id?: string; flowElements?: ModdleElement[]; sourceRef?: ModdleElement; targetRef?: ModdleElement };

const kCounters = Symbol.for('counters'); // bpmn-elements' own (global) symbol for a flow's counters

/** A sequence flow that never propagates a discard (nothing in its model waits for one). */
class UnwatchedSequenceFlow extends (Elements.SequenceFlow as unknown as new (def: unknown, context: unknown) => object) {
  discard(): void {
    (this as unknown as Record<symbol, { discard: number }>)[kCounters].discard++;
  }
}

const JOIN_TYPES = new Set(['bpmn:ParallelGateway', 'bpmn:InclusiveGateway', 'bpmn:ComplexGateway']);

/** True when the scope or any sub-process in it holds a gateway that joins two or more incoming flows. */
export function hasJoiningGateway(scope: ModdleElement): boolean {
  const elements = scope.flowElements ?? [];
  const incoming = new Map<string, number>();
  for (const f of elements) {
    if (f.$type === 'bpmn:SequenceFlow' && f.targetRef?.id) incoming.set(f.targetRef.id, (incoming.get(f.targetRef.id) ?? 0) + 1);
  }
  return elements.some((e) => (JOIN_TYPES.has(e.$type) && (incoming.get(e.id ?? '') ?? 0) > 1) || (e.flowElements !== undefined && hasJoiningGateway(e)));
}

/** bpmn-elements' own types: every discard propagates (models with a join). */
export const fullTypeResolver = TypeResolver(Elements as any);
/** The same types with flows that do not propagate discards (models without a join). */
export const prunedTypeResolver = TypeResolver(Elements as any, (mapper: Record<string, unknown>) => {
  mapper['bpmn:SequenceFlow'] = UnwatchedSequenceFlow;
});
