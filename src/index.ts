export { Parameter, type ParamLike, type ParameterOptions } from './parameter.js';
export { ParameterArena, type ParameterArenaOptions } from './arena.js';
export {
  Optimizer,
  type Closure,
  type ParamGroup,
  type ParamGroupInput,
  type Params,
  type ParamState,
  type StateDict,
  type StateDictInput,
  type StateValue,
} from './optimizer.js';
export { SGD, type SGDOptions } from './optim/sgd.js';
export { Adam, type AdamOptions } from './optim/adam.js';
export { AdamW, type AdamWOptions } from './optim/adamw.js';
export { LBFGS, type LBFGSOptions } from './optim/lbfgs.js';
export { RMSprop, type RMSpropOptions } from './optim/rmsprop.js';
export { Adagrad, type AdagradOptions } from './optim/adagrad.js';
export { Adadelta, type AdadeltaOptions } from './optim/adadelta.js';
export { Adamax, type AdamaxOptions } from './optim/adamax.js';
export {
  backendInfo,
  getNumThreads,
  setNumThreads,
  setBackend,
  setSimd,
  type BackendInfo,
  type BackendName,
  type Isa,
} from './backend.js';
export { invalidParameterError } from './validate.js';
export { clipGradNorm, clipGradValue, getTotalNorm, type GradSource, type NormOptions } from './utils/clip.js';
export { SkipNonFinite, type GuardedStep, type GuardedStepOptions, type SkipNonFiniteOptions } from './utils/skip-non-finite.js';
export { MultiSteps, type MultiStepsStateDict, type MultiStepsStateDictInput } from './utils/multi-steps.js';
