/** Every kernel the engine defines (kernel.ts): what the self-test page and the kernel unit test loop over. */
import { batchMatMulKernel } from './batchMatMul';
import { biasGrad } from './biasGrad';
import { cloudReached } from './cloudReached';
import { elementwiseStep } from './elementwiseStep';
import { gatherRowsKernel } from './gatherRows';
import type { Kernel } from './kernel';
import { objectiveGrad } from './objectiveGrad';
import { reluGrad } from './reluGrad';
import { stepDiagnosticsKernel } from './stepDiagnostics';
import { xentGrad } from './xentGrad';
import { xentStats } from './xentStats';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each kernel has its own attributes
export const KERNELS: Kernel<any>[] = [
  elementwiseStep,
  xentStats,
  xentGrad,
  reluGrad,
  biasGrad,
  stepDiagnosticsKernel,
  gatherRowsKernel,
  batchMatMulKernel,
  objectiveGrad,
  cloudReached,
];
