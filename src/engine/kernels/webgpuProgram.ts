/**
 * The shape of the engine's own WebGPU programs as tfjs-webgpu runs them: a flat 1-D dispatch of
 * 64-wide workgroups, one invocation per output value unless the program says otherwise, and the
 * output's length as `uniforms.size`. tfjs-webgpu caches compiled programs by `shaderKey` alone, so a
 * key must name everything the shader depends on: `CodeWebGPUProgram` makes the code and its uniform
 * declarations its key (two rules with the same text but other uniforms must not share a pipeline).
 */
import * as tf from '@tensorflow/tfjs-core';

const WORKGROUP = 64;

export abstract class FlatWebGPUProgram {
  abstract variableNames: string[];
  size = true;
  workgroupSize: [number, number, number] = [WORKGROUP, 1, 1];
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  /** @param invocations how many invocations to dispatch (default: one per output value) */
  constructor(
    readonly outputShape: number[],
    readonly shaderKey: string,
    invocations = tf.util.sizeFromShape(outputShape),
  ) {
    this.dispatchLayout = { x: outputShape.map((_, i) => i) };
    this.dispatch = [Math.ceil(invocations / WORKGROUP), 1, 1];
  }
  abstract getUserCode(): string;
}

/** A program given its whole shader, which is also its key (after `keyPrefix`). */
export class CodeWebGPUProgram extends FlatWebGPUProgram {
  constructor(
    outputShape: number[],
    readonly variableNames: string[],
    keyPrefix: string,
    private readonly code: string,
    /** custom uniforms, as tfjs-webgpu declares them ('name : f32, …') */
    readonly uniforms?: string,
    invocations?: number,
  ) {
    super(outputShape, `${keyPrefix}_${uniforms ?? ''}_${code}`, invocations);
  }
  getUserCode(): string {
    return this.code;
  }
}
