/** The errors a step throws when gradients or the update itself are not finite. */

export class NonFiniteGradientError extends Error {
  constructor(
    readonly paramName: string,
    readonly step: number,
  ) {
    super(
      `Non-finite gradient (NaN or Inf) in ${paramName} at step ${step}; parameters and state left unchanged`,
    );
    this.name = 'NonFiniteGradientError';
  }
}

/** A step whose result overflowed (finite before, NaN/Inf after); everything was put back. */
export class NonFiniteStepError extends RangeError {
  constructor(
    readonly paramName: string,
    readonly step: number,
    readonly group: number,
    readonly lr: number,
  ) {
    super(
      `Step ${step} would make ${paramName} non-finite (group ${group}, lr ${lr}): the update overflowed; parameters and state left unchanged (lower the learning rate, or check the group's options)`,
    );
    this.name = 'NonFiniteStepError';
  }
}
