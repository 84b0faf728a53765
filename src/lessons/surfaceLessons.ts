/**
 * Classroom presets for the surface lab: a spec and the paragraph shown beside the map. Each lesson's
 * claim is checked by surfaceLessons.test.ts against the engine's numbers.
 */
export interface SurfaceLesson {
  id: string;
  title: string;
  /** one paragraph, shown beside the map */
  text: string;
  /** an ExperimentSpec document (version and kind are added) */
  spec: Record<string, unknown>;
}

const C = ['#e11d48', '#2563eb', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#4b5563'];

export const SURFACE_LESSONS: SurfaceLesson[] = [
  {
    id: 'valley',
    title: 'Ill-conditioned valley',
    text: 'This bowl is 100 times steeper across the valley than along it. Gradient descent (red) must keep its learning rate below 2/100 to stay stable across the steep direction, so it bounces from wall to wall and creeps along the floor. Momentum (blue) uses about the same rate but adds up the steps that agree: the zig-zags cancel and the pushes along the valley accumulate, so it glides to the minimum. Watch the arrows: with momentum, most of each step is carried over from earlier ones.',
    spec: {
      objective: { name: 'quadratic', condition: 100, angle: 30 },
      start: [-2.5, 1.5],
      steps: 120,
      seed: 0,
      runs: [
        { label: 'GD, lr 0.019', optimizer: { name: 'sgd', lr: 0.019 }, color: C[0] },
        { label: 'Momentum 0.7, lr 0.02', optimizer: { name: 'sgd', lr: 0.02, momentum: 0.7 }, color: C[1] },
      ],
      view: { speed: 20, lesson: 'valley' },
    },
  },
  {
    id: 'saddle',
    title: 'Saddle point',
    text: 'At the centre of x² − y² the gradient is zero, yet it is no minimum. Starting a hair off the ridge, gradient descent (red) slides to the middle and then barely moves: the gradient that would push it down the y-direction is tiny. Adam (green) and RMSprop (purple) divide each coordinate’s step by the size of its recent gradients, so the tiny y-gradient still produces a full-size step and they escape at once. The loss has no bottom here, so the escaping runs end where they leave the map.',
    spec: {
      objective: { name: 'saddle' },
      start: [1, 0.001],
      steps: 150,
      seed: 0,
      runs: [
        { label: 'GD, lr 0.01', optimizer: { name: 'sgd', lr: 0.01 }, color: C[0] },
        { label: 'Adam, lr 0.05', optimizer: { name: 'adam', lr: 0.05 }, color: C[2] },
        { label: 'RMSprop, lr 0.01', optimizer: { name: 'rmsprop', lr: 0.01 }, color: C[4] },
      ],
      view: { speed: 20, lesson: 'saddle' },
    },
  },
  {
    id: 'too-high',
    title: 'Learning rate too high',
    text: 'On a bowl with curvature 10 in its steep direction, gradient descent is stable only while the learning rate is below 2/10 = 0.2. At 0.05 (green) it converges smoothly; at 0.19 (orange) it overshoots and flips from side to side on every step, but each swing is a little smaller; at 0.21 (red) each swing is larger than the last and the run diverges — the badge shows the step at which it left the map.',
    spec: {
      objective: { name: 'quadratic', condition: 10, angle: -20 },
      start: [-2.5, 1.5],
      steps: 100,
      seed: 0,
      runs: [
        { label: 'lr 0.05', optimizer: { name: 'sgd', lr: 0.05 }, color: C[2] },
        { label: 'lr 0.19', optimizer: { name: 'sgd', lr: 0.19 }, color: C[3] },
        { label: 'lr 0.21', optimizer: { name: 'sgd', lr: 0.21 }, color: C[0] },
      ],
      view: { speed: 15, lesson: 'too-high' },
    },
  },
  {
    id: 'rosenbrock-race',
    title: 'Rosenbrock race: six optimizers',
    text: 'The Rosenbrock valley is easy to fall into and hard to follow: its floor is a long, curved, nearly flat banana. Six optimizers start at the classic point (−1.2, 1). Plain momentum and Nesterov momentum swing along the curve; Adagrad’s steps shrink as its sum of squared gradients grows; RMSprop, Adam and NAdam rescale each coordinate and stride along the floor. Compare how far each gets in 500 steps on the distance chart, then try your own settings.',
    spec: {
      objective: { name: 'rosenbrock' },
      start: [-1.2, 1],
      steps: 500,
      seed: 0,
      runs: [
        { optimizer: { name: 'sgd', lr: 0.001, momentum: 0.9 }, color: C[0] },
        { optimizer: { name: 'sgd', lr: 0.001, momentum: 0.9, nesterov: true }, color: C[1] },
        { optimizer: { name: 'adagrad', lr: 0.5 }, color: C[2] },
        { optimizer: { name: 'rmsprop', lr: 0.005 }, color: C[3] },
        { optimizer: { name: 'adam', lr: 0.05 }, color: C[4] },
        { optimizer: { name: 'nadam', lr: 0.05 }, color: C[5] },
      ],
      view: { speed: 40, lesson: 'rosenbrock-race' },
    },
  },
  {
    id: 'schedules',
    title: 'Constant vs step vs cosine schedules',
    text: 'All three runs are SGD with noisy gradients (σ = 1) and the same starting rate 0.3. With a constant rate (red) the noise keeps kicking the point around the minimum forever: it never settles. Step decay (blue) cuts the rate to 0.3× every 60 steps, and each cut shrinks the jitter; cosine annealing (green) lowers the rate smoothly to zero, so the last steps are tiny and the run comes to rest. The learning-rate chart shows the three schedules.',
    spec: {
      objective: { name: 'quadratic', condition: 5, angle: 30 },
      start: [-2.5, 1.5],
      steps: 240,
      seed: 4,
      runs: [
        { label: 'constant', optimizer: { name: 'sgd', lr: 0.3 }, noise: 1, color: C[0] },
        {
          label: 'step ×0.3 every 60',
          optimizer: { name: 'sgd', lr: 0.3 },
          schedule: { name: 'step', stepSize: 60, gamma: 0.3 },
          noise: 1,
          color: C[1],
        },
        { label: 'cosine', optimizer: { name: 'sgd', lr: 0.3 }, schedule: { name: 'cosine' }, noise: 1, color: C[2] },
      ],
      view: { speed: 30, lesson: 'schedules' },
    },
  },
  {
    id: 'noise',
    title: 'SGD noise vs full-batch GD',
    text: 'A mini-batch gradient is the true gradient plus noise. Full-batch gradient descent (red) follows the exact gradient and traces a smooth curve. SGD (blue) gets a noisy gradient (σ = 3) every step: it heads the right way on average but wanders, and near the minimum the noise is larger than the gradient, so it jitters instead of stopping. SGD with momentum 0.9 (green, at a tenth of the rate, so the same effective step) averages the noisy gradients over about ten steps: its path is several times shorter and smoother, though it still wanders around the minimum. Momentum smooths the noise; only a smaller learning rate (see the schedules lesson) makes it settle.',
    spec: {
      objective: { name: 'quadratic', condition: 4, angle: 45 },
      start: [-2.5, 1.5],
      steps: 200,
      seed: 1,
      runs: [
        { label: 'full-batch GD', optimizer: { name: 'sgd', lr: 0.05 }, color: C[0] },
        { label: 'SGD, σ 3', optimizer: { name: 'sgd', lr: 0.05 }, noise: 3, color: C[1] },
        {
          label: 'SGD + momentum 0.9, σ 3',
          optimizer: { name: 'sgd', lr: 0.005, momentum: 0.9 },
          noise: 3,
          color: C[2],
        },
      ],
      view: { speed: 30, lesson: 'noise' },
    },
  },
  {
    id: 'basins',
    title: 'Where you start decides where you end',
    text: 'Himmelblau’s function has four equally deep minima. The basin map colours each of 4,000 random start points by the minimum that gradient descent reached from it: the plane splits into four regions whose borders run through the function’s ridges and its central peak. Switch to the particle cloud to watch the points flow into the basins, or pick another run to see how momentum moves the borders.',
    spec: {
      objective: { name: 'himmelblau' },
      start: [0, 0],
      steps: 150,
      seed: 2,
      runs: [
        { label: 'GD, lr 0.01', optimizer: { name: 'sgd', lr: 0.01 }, color: C[0] },
        { label: 'Momentum 0.9, lr 0.002', optimizer: { name: 'sgd', lr: 0.002, momentum: 0.9 }, color: C[1] },
      ],
      cloud: { count: 4000, epsilon: 0.05 },
      view: { speed: 40, lesson: 'basins', mode: 'basin' },
    },
  },
  {
    id: 'lbfgs',
    title: 'Quasi-Newton: few steps, many evaluations',
    text: 'L-BFGS estimates the curvature from its last steps and turns the gradient into a step that follows the bend of Rosenbrock’s valley. With a strong-Wolfe line search (red) it is within 0.001 of the minimum after 2 steps — but those 2 steps evaluated the function 44 times (the readout counts them), searching along each direction. So compare by evaluations, not steps: L-BFGS with one evaluation per step (a fixed step of 0.3, blue) gets there after 77; Adam (green) and momentum (purple) also evaluate once a step, and after 100 evaluations they are still about 1.9 and 0.7 from the minimum. The price: each step needs the exact function. A mini-batch’s noise breaks the line search and the curvature pairs, which is why L-BFGS is used for full-batch problems and Adam-type methods for deep learning.',
    spec: {
      objective: { name: 'rosenbrock' },
      start: [-1.2, 1],
      steps: 100,
      seed: 0,
      runs: [
        { label: 'L-BFGS, strong Wolfe', optimizer: { name: 'lbfgs', strongWolfe: true }, color: C[0] },
        {
          label: 'L-BFGS, 1 evaluation a step',
          optimizer: { name: 'lbfgs', lr: 0.3, maxIter: 1, maxEval: 1, historySize: 10 },
          color: C[1],
        },
        { label: 'Adam, lr 0.05', optimizer: { name: 'adam', lr: 0.05 }, color: C[2] },
        { label: 'Momentum 0.9, lr 0.001', optimizer: { name: 'sgd', lr: 0.001, momentum: 0.9 }, color: C[4] },
      ],
      view: { speed: 10, lesson: 'lbfgs' },
    },
  },
];

export function lessonFind(id: string | undefined): SurfaceLesson | undefined {
  return SURFACE_LESSONS.find((l) => l.id === id);
}
