#include "binding/bindings.h"
#include "binding/reader.h"
#include "dispatch.h"

namespace fastoptim {

// radam({ params, grads, exp_avg, exp_avg_sq, step_size, rectify, beta1, beta2, eps,
//         weight_decay, decay, maximize })
Napi::Value bind_radam(const Napi::CallbackInfo& info) {
  GroupReader r(info, "radam");
  RadamArgs a{};
  a.beta1 = r.number("beta1");
  a.beta2 = r.number("beta2");
  a.eps = r.number("eps");
  a.weight_decay = r.number("weight_decay");
  a.decay = r.number("decay");
  a.maximize = r.flag("maximize");
  a.params = r.written("params");
  a.grads = r.read("grads");
  a.exp_avg = r.written("exp_avg");
  a.exp_avg_sq = r.written("exp_avg_sq");
  a.step_size = r.per_tensor("step_size");
  a.rectify = r.per_tensor_flags("rectify");
  return r.run(kernels().radam, a);
}

}  // namespace fastoptim
