/**
 * Schedules as pure functions of the step (optax's style): `schedule(step)` is the value of a
 * hyperparameter at step `step` (0, 1, 2, ...), with no state. They compose with
 * `joinSchedules`, and drive an optimizer through `ScheduleDriver`.
 */

/** A hyperparameter's value as a function of the step count (0, 1, 2, ...). */
export type Schedule = (step: number) => number;
