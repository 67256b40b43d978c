// Entry point of the SIMD kernels module: every export the TypeScript side calls.
export {constantsBytes, setConstants} from './vector-math';
export {gemm, gemmWorkBytes} from './gemm';
export {layerNormBackward, layerNormForward} from './layer-norm';
export {geluBackward, geluForward} from './gelu';
export {crossEntropyBackward, softmaxCrossEntropy} from './softmax';
export {attentionBackward, attentionForward} from './attention';
export {columnSums, scatterRows, sumOfSquares} from './reductions';
export {adamUpdate} from './adam';
