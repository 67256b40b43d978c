export {BigramEngine, assertServesBigram} from './bigram-engine.js';
export {BigramSgdOptimizer} from './bigram-sgd-optimizer.js';
