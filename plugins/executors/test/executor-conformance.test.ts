import test from 'ava';
import {executorConformance} from '@codex-ml/core/testing';
import {RedisServer} from './redis-server.js';

executorConformance(test, {
  name: 'executor local',
  backend: {module: new URL('../src/local/local-executor.js', import.meta.url).href, export: 'LocalExecutor'},
  options: () => ({processes: 2}),
});

if (RedisServer.binary() === undefined) {
  test.skip('executor bullmq conformance: skipped, redis-server is not installed (apt-get install redis-server)', () => {});
} else {
  let redis: RedisServer | undefined;
  test.before(async () => {
    redis = await RedisServer.start();
  });
  test.after.always(async () => {
    await redis?.stop();
  });
  executorConformance(test, {
    name: 'executor bullmq',
    backend: {module: new URL('../src/bullmq/bullmq-executor.js', import.meta.url).href, export: 'BullmqExecutor'},
    // A queue per check, and a short lock so a dead worker's job comes back within seconds.
    options: (check) => ({url: (redis as RedisServer).url, queue: `conformance-${check}`, lockMs: 1000}),
  });
}
