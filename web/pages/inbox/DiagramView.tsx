/**
 * The instance's own BPMN version in bpmn-js's NavigatedViewer (pan and zoom), the task's step marked as
 * current, the active steps and the completed steps marked differently.
 */
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Diagram } from './types.ts';

interface Canvas {
  addMarker(id: string, marker: string): void;
  zoom(level: string): void;
}
interface Registry {
  get(id: string): unknown;
}

export function DiagramView({ diagram }: { diagram: Diagram }) {
  const container = useRef<HTMLDivElement>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    const viewer = new NavigatedViewer({ container: container.current! });
    let alive = true;
    viewer.importXML(diagram.xml).then(
      () => {
        if (!alive) return;
        const canvas = viewer.get<Canvas>('canvas');
        const registry = viewer.get<Registry>('elementRegistry');
        const mark = (id: string, marker: string) => registry.get(id) && canvas.addMarker(id, marker);
        for (const id of diagram.completedElementIds) mark(id, 'inbox-done');
        for (const id of diagram.activeElementIds) mark(id, 'inbox-active');
        if (diagram.currentElementId) mark(diagram.currentElementId, 'inbox-current');
        canvas.zoom('fit-viewport');
      },
      (err: Error) => alive && setProblem(err.message),
    );
    return () => {
      alive = false;
      viewer.destroy();
    };
  }, [diagram]);
  return (
    <div>
      {problem && <p class="error-box">{problem}</p>}
      <div class="inbox-diagram" data-testid="task-diagram" ref={container} />
    </div>
  );
}
