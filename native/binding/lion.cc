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
  a.params = r.written("params");
  a.grads = r.read("grads");
  a.exp_avg = r.written("exp_avg");
  return r.run(kernels().lion, a);
}

}  // namespace fastoptim
