/**
 * Worker-thread side of the scan pool (`scan-pool.ts`): one detector per worker, built from the options
 * the pool passes in `workerData`; answers `{id, text, channel}` with `{id, result}` or `{id, error}`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { SegmentChannel } from '../../llm';
import { InjectionDetector, type DetectorOptions } from './detector';
import { loadModels } from './model';

interface WorkerOptions {
  readonly detector: Partial<Omit<DetectorOptions, 'models'>>;
  readonly modelPath?: string;
}

const options = workerData as WorkerOptions;
const detector = new InjectionDetector({ ...options.detector, models: loadModels(options.modelPath) });

parentPort?.on('message', (message: { id: number; text: string; channel: SegmentChannel }) => {
  try {
    parentPort?.postMessage({ id: message.id, result: detector.analyse(message.text, message.channel) });
  } catch (error) {
    parentPort?.postMessage({ id: message.id, error: (error as Error).message });
  }
});
