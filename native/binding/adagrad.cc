#include "binding/bindings.h"
#include "binding/reader.h"
#include "dispatch.h"

namespace fastoptim {

// adagrad({ params, grads, sum, clr, eps, weight_decay, maximize })
Napi::Value bind_adagrad(const Napi::CallbackInfo& info) {
  GroupReader r(info, "adagrad");
  AdagradArgs a{};
  a.eps = r.number("eps");
  a.weight_decay = r.number("weight_decay");
  a.maximize = r.flag("maximize");
  a.params = r.written("params");
  a.grads = r.read("grads");
  a.sum = r.written("sum");
  a.clr = r.per_tensor("clr");
  return r.run(kernels().adagrad, a);
}

}  // namespace fastoptim
