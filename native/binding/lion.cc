#include "binding/bindings.h"
#include "binding/reader.h"
#include "dispatch.h"

namespace fastoptim {

// lion({ params, grads, exp_avg, lr, beta1, beta2, decay, maximize })
Napi::Value bind_lion(const Napi::CallbackInfo& info) {
  GroupReader r(info, "lion");
  LionArgs a{};
  a.lr = r.number("lr");
  a.beta1 = r.number("beta1");
  a.beta2 = r.number("beta2");
  a.decay = r.number("decay");
  a.maximize = r.flag("maximize");
  const auto& params = r.tensors("params", Access::Write);
  const auto& grads = r.tensors("grads", Access::Read);
  const auto& exp_avg = r.tensors("exp_avg", Access::Write);
  r.check_no_overlap();
  a.num_tensors = r.num_tensors();
  a.numel = r.numel();
  a.params = params.data();
  a.grads = as_const(grads);
  a.exp_avg = exp_avg.data();
  return r.run(kernels().lion, a);
}

}  // namespace fastoptim
