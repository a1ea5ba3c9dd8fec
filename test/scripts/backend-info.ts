// Prints backendInfo() and one Adam step's result as JSON: run in a child process by the tests
// that check FASTOPTIM_BACKEND and FASTOPTIM_SIMD (read once, when the library loads).
import { Adam, Parameter, backendInfo } from '../../src/index.js';

const p = Parameter.from([0.5, -1, 2, 0.25, 3, -0.75, 1.5, 0.125, -2]);
p.grad!.set([0.1, 0.2, -0.3, 0.4, -0.5, 0.6, -0.7, 0.8, -0.9]);
const opt = new Adam([p], { lr: 0.1, amsgrad: true });
for (let i = 0; i < 3; i++) opt.step();
console.log(JSON.stringify({ info: backendInfo(), data: Array.from(p.data) }));
