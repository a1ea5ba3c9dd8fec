// The addon's entry point: picks the instruction set (dispatch.cc), exports one function per
// kernel of kernels.def (each in binding/<name>.cc) and the instruction-set queries.
#include "binding/bindings.h"
#include "dispatch.h"
#include "engine/pool.h"

namespace fastoptim {
namespace {

Napi::Value Isa(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), kernels().isa);
}

Napi::Value SupportedIsas(const Napi::CallbackInfo& info) {
  const auto names = supported_isas();
  Napi::Array out = Napi::Array::New(info.Env(), names.size());
  for (size_t i = 0; i < names.size(); ++i)
    out.Set(static_cast<uint32_t>(i), Napi::String::New(info.Env(), names[i]));
  return out;
}

Napi::Value SetIsa(const Napi::CallbackInfo& info) {
  if (info.Length() != 1 || !info[0].IsString())
    throw Napi::TypeError::New(info.Env(), "setIsa: expected the name of an instruction set");
  const std::string err = set_isa(info[0].As<Napi::String>().Utf8Value());
  if (!err.empty()) throw Napi::RangeError::New(info.Env(), "setIsa: " + err);
  return info.Env().Undefined();
}

Napi::Value GetNumThreads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(num_threads()));
}

Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  const std::string err = info.Length() == 1 && info[0].IsNumber()
                              ? set_num_threads(info[0].As<Napi::Number>().DoubleValue())
                              : "expected an integer from 1 to " + std::to_string(kMaxThreads);
  if (!err.empty()) throw Napi::RangeError::New(info.Env(), "setNumThreads: " + err);
  return info.Env().Undefined();
}

Napi::Value AvailableCores(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(available_cores()));
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  for (const std::string& err : {init_dispatch(), init_threads()})
    if (!err.empty()) throw Napi::Error::New(env, err);
  // binding.<name>(args) runs the kernel now; binding.async.<name>(args) returns a Promise
  // (the same function, told apart by its data pointer, see GroupReader::run).
  Napi::Object async = Napi::Object::New(env);
  static int async_tag;
#define FO_KERNEL(name, Args)                                              \
  exports.Set(#name, Napi::Function::New(env, bind_##name, #name));        \
  async.Set(#name, Napi::Function::New(env, bind_##name, #name, &async_tag));
#include "kernels.def"
#undef FO_KERNEL
  exports.Set("async", async);
  // The kernels whose results do not depend on where a group is cut into tensors (FO_KERNEL:
  // elementwise), which the host may therefore merge (src/coalesce.ts); not the reductions.
  Napi::Array elementwise = Napi::Array::New(env);
#define FO_KERNEL(name, Args) elementwise.Set(elementwise.Length(), Napi::String::New(env, #name));
#define FO_KERNEL_GROUP(name, Args)
#include "kernels.def"
#undef FO_KERNEL_GROUP
#undef FO_KERNEL
  exports.Set("elementwise", elementwise);
  exports.Set("isa", Napi::Function::New(env, Isa, "isa"));
  exports.Set("supportedIsas", Napi::Function::New(env, SupportedIsas, "supportedIsas"));
  exports.Set("setIsa", Napi::Function::New(env, SetIsa, "setIsa"));
  exports.Set("getNumThreads", Napi::Function::New(env, GetNumThreads, "getNumThreads"));
  exports.Set("setNumThreads", Napi::Function::New(env, SetNumThreads, "setNumThreads"));
  exports.Set("availableCores", Napi::Function::New(env, AvailableCores, "availableCores"));
  return exports;
}

}  // namespace
}  // namespace fastoptim

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) {
  return fastoptim::Init(env, exports);
}

NODE_API_MODULE(fastoptim, InitModule)
