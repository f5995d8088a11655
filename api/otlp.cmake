# tocsin_otlp: OTLP request decoding (api/otlp/: fast protobuf wire decoder, OTLP/JSON path)
# into domain telemetry. Kept out of api/CMakeLists.txt, whose *.cpp glob is the operator API
# server: api/otlp/ is a subfolder so that glob does not pick these sources up.
# Include from the root CMakeLists.txt after proto/ (tocsin_otlp_proto) and gRPC are known.
file(GLOB TOCSIN_OTLP_SRC CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/otlp/*.cpp)
add_library(tocsin_otlp STATIC ${TOCSIN_OTLP_SRC})
target_link_libraries(tocsin_otlp PUBLIC tocsin_domain tocsin_otlp_proto)
# Lets shared globs (tools/bench/*.cpp) carry OTLP code that compiles to nothing in a binary that
# does not link this library yet.
target_compile_definitions(tocsin_otlp PUBLIC TOCSIN_HAVE_OTLP=1)
