export {BigramEngine, assertServesBigram} from './bigram-engine.js';
export {BigramModel, TRANSITIONS} from './bigram-model.js';
export {BigramSgdOptimizer} from './bigram-sgd-optimizer.js';
export {BigramTrainableModel} from './bigram-trainable-model.js';
