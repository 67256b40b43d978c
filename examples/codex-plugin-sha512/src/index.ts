export {Sha512Hasher} from './sha512-hasher.js';
