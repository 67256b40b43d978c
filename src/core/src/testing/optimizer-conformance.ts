import type {Optimizer, OptimizerFactory, OptimizerOptions} from '../contracts/optimizer.js';
import {
  type ConformanceTest,
  type Invariant,
  type InvariantResult,
  ensure,
  registerInvariants,
  runInvariants,
} from './conformance-suite.js';
import {bitwiseEqual, optimizerStateBits} from './float-bits.js';
import {SeededRandom} from '../random/seeded-random.js';

/**
 * How the optimizer suite builds and reads tensors of the implementation's type `T`, so that core needs no tensor
 * library. `parameter` makes something `applyGradients` may update in place (a tfjs `Variable`); `tensor` makes a
 * gradient (type `G`, a plain tensor in tfjs); `read` copies a parameter's current values out.
 */
export interface TensorAdapter<T, G = T> {
  parameter(values: Float32Array, shape: readonly number[]): T;
  tensor(values: Float32Array, shape: readonly number[]): G;
  read(parameter: T): Float32Array;
  dispose?(tensor: T | G): void;
}

/** The adapter for optimizers over plain `Float32Array`s (updated in place). */
export const float32ArrayAdapter: TensorAdapter<Float32Array> = {
  parameter: (values) => Float32Array.from(values),
  tensor: (values) => Float32Array.from(values),
  read: (tensor) => Float32Array.from(tensor),
};

export interface OptimizerConformanceOptions<T, G = T> {
  /** Names the implementation in test titles and messages, e.g. `optimizer adamw`. */
  readonly name: string;
  readonly factory: () => OptimizerFactory<T, G> | Promise<OptimizerFactory<T, G>>;
  readonly adapter: TensorAdapter<T, G>;
  /** Options for `create`; the learning rate is also the one passed to `applyGradients`. Default lr 0.05. */
  readonly options?: OptimizerOptions;
  /** Steps of the descent check; default 100. */
  readonly steps?: number;
  readonly seed?: number;
}

export const OPTIMIZER_INVARIANTS = {
  step: 'one update per call',
  inPlace: 'parameters updated in place',
  descent: 'descent on a convex problem',
  roundTrip: 'state round trip',
  copies: 'getState returns copies',
  engine: 'declares the engine it serves',
} as const;

const ENGINE_NAME = /^[a-z0-9][a-z0-9._-]*$/;

/** A convex quadratic f(x) = ½ Σ a·(x − c)² over two named parameters. */
interface Problem {
  readonly shapes: ReadonlyMap<string, readonly number[]>;
  readonly start: ReadonlyMap<string, Float32Array>;
  readonly curvature: ReadonlyMap<string, Float32Array>;
  readonly center: ReadonlyMap<string, Float32Array>;
}

/** The invariants of the `Optimizer` contract, generic over the tensor type. */
export function optimizerInvariants<T, G = T>(options: OptimizerConformanceOptions<T, G>): Invariant[] {
  const {adapter} = options;
  const createOptions: OptimizerOptions = options.options ?? {learningRate: 0.05};
  const lr = createOptions.learningRate;
  const problem = makeProblem(options.seed ?? 11);
  const create = async (): Promise<Optimizer<T, G>> => (await Promise.resolve(options.factory())).create(createOptions);
  const I = OPTIMIZER_INVARIANTS;

  const parametersAt = (values: ReadonlyMap<string, Float32Array>): Map<string, T> =>
    new Map([...values].map(([name, data]) => [name, adapter.parameter(data, problem.shapes.get(name) ?? [data.length])]));
  const read = (params: ReadonlyMap<string, T>): Map<string, Float32Array> =>
    new Map([...params].map(([name, tensor]) => [name, adapter.read(tensor)]));
  const gradients = (params: ReadonlyMap<string, T>): Map<string, G> =>
    new Map(
      [...read(params)].map(([name, x]) => {
        const a = problem.curvature.get(name) as Float32Array;
        const c = problem.center.get(name) as Float32Array;
        return [
          name,
          adapter.tensor(
            x.map((xi, i) => (a[i] as number) * (xi - (c[i] as number))),
            problem.shapes.get(name) ?? [x.length],
          ),
        ];
      }),
    );
  const loss = (params: ReadonlyMap<string, T>): number => {
    let total = 0;
    for (const [name, x] of read(params)) {
      const a = problem.curvature.get(name) as Float32Array;
      const c = problem.center.get(name) as Float32Array;
      x.forEach((xi, i) => {
        total += 0.5 * (a[i] as number) * (xi - (c[i] as number)) ** 2;
      });
    }
    return total;
  };
  const step = (optimizer: Optimizer<T, G>, params: ReadonlyMap<string, T>): void => {
    const grads = gradients(params);
    optimizer.applyGradients(params, grads, lr);
    for (const grad of grads.values()) adapter.dispose?.(grad);
  };
  const release = (optimizer: Optimizer<T, G>, params: ReadonlyMap<string, T>): void => {
    optimizer.dispose();
    for (const tensor of params.values()) adapter.dispose?.(tensor);
  };

  return [
    {
      name: I.engine,
      async check() {
        const factory = await Promise.resolve(options.factory());
        ensure(
          typeof factory.engine === 'string' && ENGINE_NAME.test(factory.engine),
          I.engine,
          `factory.engine is ${JSON.stringify(factory.engine)}; set it to the registered name of the training engine whose tensors it updates (e.g. "tfjs")`,
        );
      },
    },
    {
      name: I.step,
      async check() {
        const optimizer = await create();
        const params = parametersAt(problem.start);
        ensure(optimizer.step === 0, I.step, `a new optimizer is at step ${optimizer.step}, expected 0`);
        for (let i = 1; i <= 3; i++) {
          step(optimizer, params);
          ensure(optimizer.step === i, I.step, `after ${i} applyGradients calls step is ${optimizer.step}`);
        }
        const state = optimizer.getState();
        ensure(state.step === 3, I.step, `getState().step is ${state.step} after 3 updates`);
        ensure(
          state.type === optimizer.type,
          I.step,
          `getState().type ${JSON.stringify(state.type)} differs from type ${JSON.stringify(optimizer.type)}`,
        );
        release(optimizer, params);
      },
    },
    {
      name: I.inPlace,
      async check() {
        const optimizer = await create();
        const params = parametersAt(problem.start);
        step(optimizer, params);
        for (const [name, after] of read(params)) {
          const before = problem.start.get(name) as Float32Array;
          ensure(!bitwiseEqual(before, after), I.inPlace, `parameter ${name} did not change after an update with a non-zero gradient`);
        }
        release(optimizer, params);
      },
    },
    {
      name: I.descent,
      async check(t) {
        const optimizer = await create();
        const params = parametersAt(problem.start);
        const initial = loss(params);
        const steps = options.steps ?? 100;
        let early = initial;
        for (let i = 0; i < steps; i++) {
          step(optimizer, params);
          if (i === 4) early = loss(params);
        }
        const final = loss(params);
        t.log(
          `${options.name}: loss ${initial.toFixed(4)} → ${early.toFixed(4)} (5 steps) → ${final.toFixed(6)} (${steps} steps, lr ${lr})`,
        );
        ensure(early < initial, I.descent, `loss rose from ${initial.toFixed(4)} to ${early.toFixed(4)} in 5 steps (lr ${lr})`);
        ensure(
          final < 0.5 * initial,
          I.descent,
          `loss went from ${initial.toFixed(4)} to only ${final.toFixed(4)} in ${steps} steps (lr ${lr})`,
        );
        release(optimizer, params);
      },
    },
    {
      name: I.roundTrip,
      async check() {
        const original = await create();
        const params = parametersAt(problem.start);
        for (let i = 0; i < 5; i++) step(original, params);
        const state = original.getState();
        const restored = await create();
        const twin = parametersAt(read(params));
        restored.setState(state);
        ensure(restored.step === original.step, I.roundTrip, `after setState step is ${restored.step}, expected ${original.step}`);
        step(original, params);
        step(restored, twin);
        const [a, b] = [read(params), read(twin)];
        for (const [name, values] of a) {
          ensure(
            bitwiseEqual(values, b.get(name) as Float32Array),
            I.roundTrip,
            `the update after setState(getState()) differs for ${name}`,
          );
        }
        ensure(
          optimizerStateBits(original.getState()) === optimizerStateBits(restored.getState()),
          I.roundTrip,
          'the states differ after one more identical update',
        );
        release(original, params);
        release(restored, twin);
      },
    },
    {
      name: I.copies,
      async check() {
        const optimizer = await create();
        const params = parametersAt(problem.start);
        step(optimizer, params);
        const state = optimizer.getState();
        const snapshot = optimizerStateBits(state);
        step(optimizer, params);
        ensure(
          optimizerStateBits(state) === snapshot,
          I.copies,
          'a state returned by getState() changed when the optimizer stepped: it holds views of live buffers',
        );
        release(optimizer, params);
      },
    },
  ];
}

/** Registers the optimizer suite with a test runner. */
export function optimizerConformance<T, G = T>(test: ConformanceTest, options: OptimizerConformanceOptions<T, G>): void {
  registerInvariants(test, options.name, optimizerInvariants(options));
}

/** Runs the optimizer suite without a test runner. */
export async function checkOptimizer<T, G = T>(options: OptimizerConformanceOptions<T, G>): Promise<InvariantResult[]> {
  return await runInvariants(options.name, optimizerInvariants(options));
}

function makeProblem(seed: number): Problem {
  const random = new SeededRandom(seed);
  const shapes = new Map<string, readonly number[]>([
    ['dense/kernel', [3, 4]],
    ['dense/bias', [4]],
  ]);
  const fill = (size: number, low: number, high: number) =>
    Float32Array.from({length: size}, () => low + (high - low) * random.nextFloat());
  const start = new Map<string, Float32Array>();
  const curvature = new Map<string, Float32Array>();
  const center = new Map<string, Float32Array>();
  for (const [name, shape] of shapes) {
    const size = shape.reduce((a, b) => a * b, 1);
    start.set(name, fill(size, -2, 2));
    curvature.set(name, fill(size, 0.5, 2));
    center.set(name, fill(size, -0.5, 0.5));
  }
  return {shapes, start, curvature, center};
}
