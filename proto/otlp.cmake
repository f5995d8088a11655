# tocsin_otlp_proto: OTLP (opentelemetry-proto v1) message classes and gRPC service stubs.
# Included from proto/CMakeLists.txt because protobuf_generate names its outputs relative to the
# current source dir: from proto/, `opentelemetry/proto/x/v1/y.proto` is both protoc's import name
# and the output path, so includes read `opentelemetry/proto/collector/trace/v1/trace_service.pb.h`.
# EXCLUDE_FROM_ALL: built only for targets that link it (tocsin_otlp), not in everyone's `all`.
# The root finds gRPC after proto/ is added, and imported targets only reach directories created
# after them: find it here too (a separate directory scope, so no clash with the root's).
find_package(gRPC CONFIG REQUIRED)
set(_otlp_dir ${CMAKE_CURRENT_SOURCE_DIR}/opentelemetry/proto)
set(TOCSIN_OTLP_MODEL_PROTOS
  ${_otlp_dir}/common/v1/common.proto
  ${_otlp_dir}/resource/v1/resource.proto
  ${_otlp_dir}/trace/v1/trace.proto
  ${_otlp_dir}/metrics/v1/metrics.proto
  ${_otlp_dir}/logs/v1/logs.proto
  # google.rpc.Status and RetryInfo: OTLP error bodies and gRPC status details (throttling).
  ${CMAKE_CURRENT_SOURCE_DIR}/google/rpc/status.proto
  ${CMAKE_CURRENT_SOURCE_DIR}/google/rpc/retry_info.proto)
set(TOCSIN_OTLP_SERVICE_PROTOS
  ${_otlp_dir}/collector/trace/v1/trace_service.proto
  ${_otlp_dir}/collector/metrics/v1/metrics_service.proto
  ${_otlp_dir}/collector/logs/v1/logs_service.proto)

# The .proto files are not target sources: protobuf_generate(TARGET) would otherwise run the gRPC
# plugin over the data-model files too.
add_library(tocsin_otlp_proto STATIC EXCLUDE_FROM_ALL)
file(MAKE_DIRECTORY ${CMAKE_BINARY_DIR}/gen)
protobuf_generate(TARGET tocsin_otlp_proto LANGUAGE cpp
  PROTOS ${TOCSIN_OTLP_MODEL_PROTOS} ${TOCSIN_OTLP_SERVICE_PROTOS}
  IMPORT_DIRS ${CMAKE_CURRENT_SOURCE_DIR}
  PROTOC_OUT_DIR ${CMAKE_BINARY_DIR}/gen)
protobuf_generate(TARGET tocsin_otlp_proto LANGUAGE grpc
  GENERATE_EXTENSIONS .grpc.pb.h .grpc.pb.cc
  PLUGIN "protoc-gen-grpc=$<TARGET_FILE:gRPC::grpc_cpp_plugin>"
  PROTOS ${TOCSIN_OTLP_SERVICE_PROTOS}
  IMPORT_DIRS ${CMAKE_CURRENT_SOURCE_DIR}
  PROTOC_OUT_DIR ${CMAKE_BINARY_DIR}/gen)
target_include_directories(tocsin_otlp_proto PUBLIC ${CMAKE_BINARY_DIR}/gen)
target_link_libraries(tocsin_otlp_proto PUBLIC gRPC::grpc++ protobuf::libprotobuf)
target_compile_options(tocsin_otlp_proto PRIVATE -w)
