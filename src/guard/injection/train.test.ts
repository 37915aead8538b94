import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defaultModelPath, serialiseModels, type ModelFile } from './model';
import { DEFAULT_TRAIN_OPTIONS, readCorpus, trainModels } from './train';

const CORPUS = resolve(__dirname, '../../../../shared/corpus/injection-dev.jsonl');

// The committed weights must be what `make train-injection` produces from the corpus: training is
// seeded, so anyone can check the file was not tuned by hand.
(existsSync(CORPUS) ? describe : describe.skip)('committed injection weights', () => {
  it('are reproduced exactly by training on the dev corpus', () => {
    const committed = JSON.parse(readFileSync(defaultModelPath(), 'utf8')) as ModelFile;
    const rows = readCorpus(CORPUS);
    const retrained = JSON.parse(serialiseModels(trainModels(rows, DEFAULT_TRAIN_OPTIONS), { trainedAt: committed.trainedAt, command: committed.command, corpus: committed.corpus, options: { ...DEFAULT_TRAIN_OPTIONS } })) as ModelFile;
    expect(committed.corpus.rows).toBe(rows.length);
    expect(committed.options).toEqual({ ...DEFAULT_TRAIN_OPTIONS });
    expect(retrained.models.prompt.bias).toBe(committed.models.prompt.bias);
    expect(retrained.models.task.bias).toBe(committed.models.task.bias);
    expect(retrained.models.prompt.weights === committed.models.prompt.weights).toBe(true);
    expect(retrained.models.task.weights === committed.models.task.weights).toBe(true);
  }, 60000);
});
