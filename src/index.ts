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
export { NAdam, type NAdamOptions } from './optim/nadam.js';
export { RAdam, type RAdamOptions } from './optim/radam.js';
export { Rprop, type RpropOptions } from './optim/rprop.js';
export { ASGD, type ASGDOptions } from './optim/asgd.js';
export { Lion, type LionOptions } from './optim/lion.js';
export { LAMB, type LAMBOptions } from './optim/lamb.js';
export { LARS, type LARSOptions } from './optim/lars.js';
export { Adafactor, type AdafactorOptions } from './optim/adafactor.js';
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
export { invalidParameterError, type Interval } from './validate.js';
export { clipGradNorm, clipGradValue, getTotalNorm, type GradSource, type NormOptions } from './utils/clip.js';
export { SkipNonFinite, type GuardedStep, type GuardedStepOptions, type SkipNonFiniteOptions } from './utils/skip-non-finite.js';
export { MultiSteps, type MultiStepsStateDict, type MultiStepsStateDictInput } from './utils/multi-steps.js';
export {
  LRScheduler,
  Scheduler,
  StateReader,
  type EpochFunction,
  type JsonValue,
  type SchedulerOptimizer,
  type SchedulerStateDict,
} from './schedulers/scheduler.js';
export { LambdaLR, type LambdaLROptions } from './schedulers/lambda-lr.js';
export { MultiplicativeLR, type MultiplicativeLROptions } from './schedulers/multiplicative-lr.js';
export { StepLR, type StepLROptions } from './schedulers/step-lr.js';
export { MultiStepLR, type MultiStepLROptions } from './schedulers/multi-step-lr.js';
export { ConstantLR, type ConstantLROptions } from './schedulers/constant-lr.js';
export { LinearLR, type LinearLROptions } from './schedulers/linear-lr.js';
export { ExponentialLR, type ExponentialLROptions } from './schedulers/exponential-lr.js';
export { PolynomialLR, type PolynomialLROptions } from './schedulers/polynomial-lr.js';
export { CosineAnnealingLR, type CosineAnnealingLROptions } from './schedulers/cosine-annealing-lr.js';
export { CosineAnnealingWarmRestarts, type CosineAnnealingWarmRestartsOptions } from './schedulers/cosine-annealing-warm-restarts.js';
export { CyclicLR, type CyclicLROptions, type CyclicMode } from './schedulers/cyclic-lr.js';
export { OneCycleLR, type OneCycleLROptions } from './schedulers/one-cycle-lr.js';
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './schedulers/reduce-lr-on-plateau.js';
export { SequentialLR, type SequentialLROptions } from './schedulers/sequential-lr.js';
export { ChainedScheduler } from './schedulers/chained-scheduler.js';
export { ScheduleDriver, type ScheduleDriverOptions } from './schedulers/schedule-driver.js';
export type { Schedule } from './schedules/schedule.js';
export { constantSchedule } from './schedules/constant.js';
export { linearSchedule, polynomialSchedule, type LinearScheduleOptions, type PolynomialScheduleOptions } from './schedules/polynomial.js';
export { exponentialDecay, type ExponentialDecayOptions } from './schedules/exponential.js';
export { cosineDecaySchedule, warmupCosineDecaySchedule, type CosineDecayOptions, type WarmupCosineDecayOptions } from './schedules/cosine.js';
export { piecewiseConstantSchedule, piecewiseInterpolateSchedule, type BoundariesAndScales } from './schedules/piecewise.js';
export { sgdrSchedule } from './schedules/sgdr.js';
export { joinSchedules } from './schedules/join.js';
export { lrRangeTest, type LrRangeTestOptions, type LrRangeTestResult, type RangeTestOptimizer } from './utils/lr-range-test.js';
export { EarlyStopping, type EarlyStoppingOptions, type EarlyStoppingStateDict, type EarlyStoppingStateDictInput } from './utils/early-stopping.js';
