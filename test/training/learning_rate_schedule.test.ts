import test from 'ava';
import {isCodexError, resolveConfig} from '@codex-ml/core';
import {createSchedule, scheduleFor} from '../../src/services/training/learning-rate-schedule.js';

test('learning-rate schedules: constant, and linear warm-up then cosine to the floor', (t) => {
  const constant = createSchedule({name: 'constant', learningRate: 0.1, totalSteps: 10});
  t.deepEqual(
    [0, 5, 100].map((s) => constant.at(s)),
    [0.1, 0.1, 0.1],
  );
  const cosine = createSchedule({name: 'warmup-cosine', learningRate: 1, warmupSteps: 4, minLearningRate: 0.1, totalSteps: 14});
  t.deepEqual(
    [0, 1, 2, 3].map((s) => cosine.at(s)),
    [0.25, 0.5, 0.75, 1],
  );
  t.is(cosine.at(4), 1);
  t.true(Math.abs(cosine.at(9) - 0.55) < 1e-12, 'half way down the cosine');
  t.is(cosine.at(14), 0.1);
  t.is(cosine.at(1000), 0.1);
  const error = t.throws(() => createSchedule({name: 'step', learningRate: 1, totalSteps: 1}));
  t.true(isCodexError(error));
  t.regex(error?.message ?? '', /unknown schedule "step"/);
});

test('the schedule of a run comes from training.schedule.* and the peak training.optimizer.learningRate', (t) => {
  const config = resolveConfig({
    sets: ['training.optimizer.learningRate=0.5', 'training.schedule.warmupSteps=2', 'training.schedule.minLearningRate=0.05'],
  });
  const schedule = scheduleFor((key) => config.get(key), 10);
  t.is(schedule.type, 'warmup-cosine');
  t.deepEqual([schedule.at(0), schedule.at(1), schedule.at(10)], [0.25, 0.5, 0.05]);
  const inverted = resolveConfig({sets: ['training.optimizer.learningRate=0.01', 'training.schedule.minLearningRate=0.1']});
  t.regex(
    t.throws(() => scheduleFor((key) => inverted.get(key), 10))?.message ?? '',
    /training\.schedule\.minLearningRate must be in \[0, learningRate\], got 0\.1/,
  );
});
